using Microsoft.ML.OnnxRuntime;

namespace WebUI.Diffusion.Models;

/// <summary>
/// Opens ONNX Runtime sessions the way the engine wants them: one process-wide <see cref="OrtEnv"/>, extended
/// graph optimisation (ENABLE_ALL costs ~10 s per SD UNet for no speed gain, stack.md §11), no spinning threads
/// (the host shares its cores), and the execution provider this build was compiled for.
/// </summary>
public sealed class OnnxSessionFactory
{
    readonly int _threads;

    public OnnxSessionFactory(EngineOptions options)
    {
        if (options.IntraOpThreads < 0) throw new ArgumentException("IntraOpThreads must be 0 (automatic) or positive.", nameof(options));
        _threads = options.IntraOpThreads;
        var env = OrtEnv.Instance();
        try { env.DisableTelemetryEvents(); } catch (OnnxRuntimeException) { /* telemetry is not compiled into every build */ }
        AvailableProviders = env.GetAvailableProviders();
        ActiveProvider = ChooseProvider(options.ExecutionProvider, AvailableProviders);
    }

    /// <summary>Providers the loaded ONNX Runtime library offers (e.g. CUDAExecutionProvider, CPUExecutionProvider).</summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>"Cpu", "Cuda" or "DirectML": what new sessions run on.</summary>
    public string ActiveProvider { get; }

    static string ChooseProvider(string requested, IReadOnlyList<string> available)
    {
        string r = string.IsNullOrWhiteSpace(requested) ? "Auto" : requested.Trim();
        bool cudaBuilt = false, dmlBuilt = false;
#if WEBUI_CUDA
        cudaBuilt = true;
#endif
#if WEBUI_DIRECTML
        dmlBuilt = true;
#endif
        bool cuda = cudaBuilt && available.Contains("CUDAExecutionProvider");
        bool dml = dmlBuilt && available.Contains("DmlExecutionProvider");
        switch (r.ToLowerInvariant())
        {
            case "auto": return cuda ? "Cuda" : dml ? "DirectML" : "Cpu";
            case "cpu": return "Cpu";
            case "cuda":
                if (!cudaBuilt) throw new ArgumentException("ExecutionProvider 'Cuda' needs a build with -p:WebUIExecutionProvider=Cuda.");
                if (!cuda) throw new ArgumentException("ExecutionProvider 'Cuda': ONNX Runtime reports no CUDAExecutionProvider (check the CUDA/cuDNN installation).");
                return "Cuda";
            case "directml":
                if (!dmlBuilt) throw new ArgumentException("ExecutionProvider 'DirectML' needs a build with -p:WebUIExecutionProvider=DirectML.");
                if (!dml) throw new ArgumentException("ExecutionProvider 'DirectML': ONNX Runtime reports no DmlExecutionProvider.");
                return "DirectML";
            default:
                throw new ArgumentException($"Unknown ExecutionProvider '{requested}'. Expected Auto, Cpu, Cuda or DirectML.");
        }
    }

    SessionOptions CreateOptions()
    {
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = _threads,
            InterOpNumThreads = 1,
        };
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        so.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        switch (ActiveProvider)
        {
            case "Cuda": so.AppendExecutionProvider_CUDA(0); break;
            case "DirectML":
                // DirectML requires sequential execution without memory patterns.
                so.EnableMemoryPattern = false;
                so.AppendExecutionProvider_DML(0);
                break;
        }
        return so;
    }

    /// <summary>
    /// Opens <c>&lt;model&gt;/&lt;part&gt;/model.onnx</c> from its path (so external data resolves next to it).
    /// Failures become <see cref="ModelFolderException"/>s naming the file.
    /// </summary>
    public InferenceSession Open(ModelFolder folder, string part) => OpenFile(folder.PartFile(part), $"{part}/model.onnx");

    /// <summary>
    /// Opens a part with some initializers replaced (<c>SessionOptions.AddInitializer</c>): ONNX Runtime reads each
    /// given tensor in place instead of the model's, so the values must stay alive, unchanged, as long as the session.
    /// </summary>
    public InferenceSession Open(ModelFolder folder, string part, IReadOnlyList<(string Name, OrtValue Value)>? initializers) =>
        OpenFile(folder.PartFile(part), $"{part}/model.onnx", initializers);

    /// <summary>Opens any ONNX file (a separate VAE, a TAESD decoder); <paramref name="label"/> names it in errors.</summary>
    public InferenceSession OpenFile(string file, string label, IReadOnlyList<(string Name, OrtValue Value)>? initializers = null)
    {
        if (!File.Exists(file)) throw new ModelFolderException(label, "missing");
        using var so = CreateOptions();
        foreach (var (name, value) in initializers ?? []) so.AddInitializer(name, value);
        try { return new InferenceSession(file, so); }
        catch (OnnxRuntimeException e)
        {
            string msg = e.Message;
            bool notOnnx = msg.Contains("Protobuf parsing failed", StringComparison.OrdinalIgnoreCase)
                || msg.Contains("INVALID_PROTOBUF", StringComparison.OrdinalIgnoreCase);
            throw new ModelFolderException(label, notOnnx ? $"not an ONNX model ({msg})" : $"could not be loaded ({msg})", e);
        }
    }
}
