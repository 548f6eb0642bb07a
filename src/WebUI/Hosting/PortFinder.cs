using System.Net;
using System.Net.Sockets;

namespace WebUI.Hosting;

/// <summary>A1111 moves to the next free port when the default one is taken; an explicit --port is used as given.</summary>
public static class PortFinder
{
    public static int FirstFree(IPAddress address, int startPort, int attempts = 100)
    {
        for (int port = startPort; port < startPort + attempts && port <= 65535; port++)
        {
            if (IsFree(address, port)) return port;
        }
        return startPort; // Let Kestrel report the conflict in its own words.
    }

    static bool IsFree(IPAddress address, int port)
    {
        try
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
