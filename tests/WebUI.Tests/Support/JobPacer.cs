using WebUI.Queue;

namespace WebUI.Tests.Support;

/// <summary>
/// Lets a test hold the queue worker between sampling steps. The demo model runs 150 steps in about 0.2 s, so a test
/// that looks at a "running" job (its progress, the Interrupt button, jobs waiting behind it) would otherwise race the
/// job to its end. While holding, the worker waits inside each "progress" event (raised on its own thread after a step)
/// until the test lets one more step run (<see cref="Step"/>) or lets the job go (<see cref="Release"/>).
/// </summary>
public sealed class JobPacer : IDisposable
{
    // A forgotten hold must never wedge the host: the worker gives up waiting after this long.
    static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(60);

    readonly IJobQueue _queue;
    readonly object _gate = new();
    bool _holding;
    int _allowedSteps;

    public JobPacer(IJobQueue queue, bool holding = true)
    {
        _queue = queue;
        _holding = holding;
        queue.Changed += OnChanged;
    }

    /// <summary>From now on the worker stops after the running (or next) job's next step.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _holding = true;
            _allowedSteps = 0;
        }
    }

    /// <summary>Lets the held job run one more step (it stops again after it).</summary>
    public void Step()
    {
        lock (_gate)
        {
            _allowedSteps++;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops holding: the worker runs freely until <see cref="Hold"/>.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _holding = false;
            Monitor.PulseAll(_gate);
        }
    }

    void OnChanged(QueueEvent e)
    {
        if (e.Kind != "progress") return;
        var deadline = DateTime.UtcNow + SafetyTimeout;
        lock (_gate)
        {
            while (_holding && _allowedSteps == 0)
            {
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left)) return;
            }
            if (_holding) _allowedSteps--;
        }
    }

    public void Dispose()
    {
        _queue.Changed -= OnChanged;
        Release();
    }
}
