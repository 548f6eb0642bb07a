using System.Security.Cryptography;

namespace WebUI.Diffusion.Models;

/// <summary>
/// The short hash shown for a model part folder (checkpoint UNet, separate VAE). A full-file SHA-256, as A1111 does for
/// a .safetensors file, would cost seconds per multi-GB part, so this digests each file's name and size plus its first
/// and last MiB (config .json files excluded): stable for a given export, different between exports.
/// </summary>
internal static class PartHash
{
    const int Window = 1 << 20;

    /// <summary>First 10 lower-case hex digits of the digest of the files in <paramref name="directory"/>.</summary>
    public static string Of(string directory)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[Window];
        foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) continue;
            using var s = File.OpenRead(file);
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{name}:{s.Length};"));
            sha.AppendData(buffer, 0, s.ReadAtLeast(buffer, Window, throwOnEndOfStream: false));
            if (s.Length > Window)
            {
                s.Seek(Math.Max(Window, s.Length - Window), SeekOrigin.Begin);
                sha.AppendData(buffer, 0, s.ReadAtLeast(buffer, Window, throwOnEndOfStream: false));
            }
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..10];
    }
}
