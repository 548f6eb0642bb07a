using Microsoft.ML.OnnxRuntime;

namespace WebUI.Diffusion.Models;

/// <summary>
/// An ONNX session that can be released and transparently reopened from the same file: the "sequential" memory
/// mode frees each model part after its stage and the next use reopens it. What a part learned from the session's
/// metadata stays valid because the file is the same.
/// </summary>
internal sealed class SessionHandle : IDisposable
{
    readonly Func<InferenceSession> _open;
    InferenceSession? _session;
    bool _disposed;

    public SessionHandle(Func<InferenceSession> open) => _open = open;

    /// <summary>A handle around an already open session that cannot be reopened (tests, probes).</summary>
    public static SessionHandle Of(InferenceSession session)
    {
        var h = new SessionHandle(() => throw new InvalidOperationException("This session cannot be reopened."));
        h._session = session;
        return h;
    }

    /// <summary>The open session, reopening it if it was released.</summary>
    public InferenceSession Session
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _session ??= _open();
        }
    }

    public bool IsOpen => _session is not null;

    /// <summary>Frees the session's memory; the next <see cref="Session"/> reopens it.</summary>
    public void Release()
    {
        _session?.Dispose();
        _session = null;
    }

    public void Dispose()
    {
        Release();
        _disposed = true;
    }
}
