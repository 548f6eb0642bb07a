namespace WebUI.Components.State;

/// <summary>
/// Bounds how often a component repaints for per-step events without ever dropping the last one: a request inside the
/// interval schedules one trailing repaint, so the final state always reaches the browser.
/// </summary>
public sealed class RepaintThrottle(TimeSpan interval, Func<Func<Task>, Task> invokeOnRenderer, Action repaint)
{
    DateTime _last = DateTime.MinValue;
    bool _scheduled;

    /// <summary>Call on the renderer's dispatcher.</summary>
    public void Request()
    {
        var wait = interval - (DateTime.UtcNow - _last);
        if (wait <= TimeSpan.Zero)
        {
            _last = DateTime.UtcNow;
            repaint();
            return;
        }
        if (_scheduled) return;
        _scheduled = true;
        _ = Task.Delay(wait).ContinueWith(_ => invokeOnRenderer(() =>
        {
            _scheduled = false;
            _last = DateTime.UtcNow;
            repaint();
            return Task.CompletedTask;
        }), TaskScheduler.Default);
    }

    /// <summary>Repaint now (structural change) and restart the interval.</summary>
    public void Now()
    {
        _last = DateTime.UtcNow;
        repaint();
    }
}
