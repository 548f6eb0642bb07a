// Placeholder host entry point; the CLI and web host are built out in Cli/ and Web/.
Console.WriteLine("webui");
public partial class Program { }
