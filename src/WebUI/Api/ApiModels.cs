using WebUI.Diffusion.Models;
using WebUI.Generation;
using WebUI.Hosting;

namespace WebUI.Api;

/// <summary>Checkpoints as the API names them (A1111 titles "name [hash]") and the default one.</summary>
public sealed class ApiModels(GenerationService generation)
{
    public IReadOnlyList<ModelInfo> List() =>
        generation.ListCheckpoints().Select(c => generation.ResolveModel(c.Name)).ToList();

    /// <summary>A checkpoint by name, title or folder path; <see cref="ModelNotFoundException"/> (→ 404) otherwise.</summary>
    public ModelInfo Resolve(string nameOrTitle) => generation.ResolveModel(nameOrTitle);

    /// <summary>
    /// The checkpoint jobs use when sd_model_checkpoint is not set: the built-in demo when present (the UI's
    /// default), else the first listed; 404 when there is none.
    /// </summary>
    public ModelInfo Default()
    {
        var names = generation.ListCheckpoints();
        if (names.Count == 0) throw new ModelNotFoundException("(none)", "no checkpoints in models/Stable-diffusion");
        var pick = names.FirstOrDefault(c => c.Name == DemoModelBootstrap.DemoName) ?? names[0];
        return generation.ResolveModel(pick.Name);
    }

    /// <summary>Separate VAEs (folder names under models/VAE), as sd_vae names them.</summary>
    public IReadOnlyList<string> Vaes() => generation.Engine.ListVaes();

    /// <summary>Where separate VAEs are listed from.</summary>
    public string VaeDir => generation.Engine.VaeDir;

    /// <summary>The setting's checkpoint when set, else <see cref="Default"/>.</summary>
    public ModelInfo Current(string? setting) => string.IsNullOrWhiteSpace(setting) ? Default() : Resolve(setting);
}
