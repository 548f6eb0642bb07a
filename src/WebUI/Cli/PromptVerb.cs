using System.CommandLine;
using System.Text;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Text;

namespace WebUI.Cli;

/// <summary>
/// `webui prompt --steps N TEXT`: how A1111 reads a prompt, as JSON {"attention": [[text, weight], ...],
/// "schedules": [[end_step, prompt], ...]}: the emphasis parser's fragments (parse_prompt_attention, weights as Python
/// floats, BREAK as ["BREAK", -1.0]) and the prompt-editing schedule for N steps (get_learned_conditioning_prompt_schedules).
/// </summary>
static class PromptVerb
{
    public static Command Create(CliContext context)
    {
        var steps = new Option<int>("--steps") { Description = "Sampling steps the schedule spans (double them for second-order samplers)", DefaultValueFactory = _ => 20 };
        var text = new Argument<string>("text") { Description = "Prompt text" };
        var command = new Command("prompt", "Print how a prompt is parsed: emphasis fragments and the prompt-editing schedule, as JSON.") { steps, text };
        command.SetAction(parse => WebUICommandLine.Guard(context, () =>
        {
            int n = parse.GetValue(steps);
            if (n < 1) throw new UsageException($"--steps must be at least 1; got {n}.");
            string prompt = parse.GetValue(text) ?? "";
            context.Out.WriteLine(ToJson(PromptParser.ParseAttention(prompt), PromptSchedule.Get(prompt, n)));
            return WebUICommandLine.Success;
        }));
        return command;
    }

    /// <summary>The JSON document, numbers written as Python writes them (1.0, 1.5730000000000004) so it compares with A1111's output.</summary>
    internal static string ToJson(IReadOnlyList<(string Text, double Weight)> attention, IReadOnlyList<(int EndStep, string Prompt)> schedules)
    {
        var sb = new StringBuilder();
        sb.Append("{\"attention\": [");
        for (int i = 0; i < attention.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append('[');
            PythonText.AppendJsonString(sb, attention[i].Text);
            sb.Append(", ").Append(PythonText.Float(attention[i].Weight)).Append(']');
        }
        sb.Append("], \"schedules\": [");
        for (int i = 0; i < schedules.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append('[').Append(schedules[i].EndStep).Append(", ");
            PythonText.AppendJsonString(sb, schedules[i].Prompt);
            sb.Append(']');
        }
        return sb.Append("]}").ToString();
    }
}
