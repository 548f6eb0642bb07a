using Microsoft.ML.OnnxRuntime;

namespace WebUI.Diffusion.Models;

/// <summary>
/// Finds out whether a UNet whose channel axis is dynamic and that has no config takes 4 latent channels or the 9 of an
/// inpainting UNet (the diffusers export script writes both that way; diffusion-reference §5.3): one run on a tiny
/// zero input with 4 channels, and if that fails, with 9. A wrong channel count fails in conv_in, at once.
/// </summary>
internal static class UnetChannelProbe
{
    const int ProbeSide = 8, ProbeTokens = 77, DefaultTextWidth = 768;

    public static int Detect(UnetModel unet, int? textWidthHint)
    {
        string? firstError = null;
        foreach (int channels in (int[])[4, 9])
        {
            try
            {
                Run(unet, channels, textWidthHint);
                return channels;
            }
            catch (OnnxRuntimeException e)
            {
                firstError ??= e.Message;
            }
        }
        throw new ModelFolderException("unet", $"could not tell its input channels: its 'sample' channel axis is dynamic, unet/config.json " +
            $"gives no in_channels, and a test run failed with 4 and with 9 channels ({firstError})");
    }

    static void Run(UnetModel unet, int channels, int? textWidthHint)
    {
        var session = unet.Session;
        int batch = unet.FixedBatch ?? 1;
        var buffers = new List<TensorBuffer>();
        try
        {
            var names = new List<string>();
            foreach (var (name, meta) in session.InputMetadata)
            {
                long[] shape = name switch
                {
                    UnetModel.SampleName => [batch, channels, unet.FixedLatentHeight ?? ProbeSide, unet.FixedLatentWidth ?? ProbeSide],
                    UnetModel.TimestepName => unet.TimestepShape,
                    UnetModel.HiddenName => [batch, unet.FixedSequence ?? ProbeTokens, unet.HiddenWidth ?? textWidthHint ?? DefaultTextWidth],
                    // Other conditioning inputs (SDXL text_embeds/time_ids, LCM timestep_cond): declared sizes, batch first.
                    _ => meta.Dimensions.Select((d, axis) => d > 0 ? d : axis == 0 ? batch : 1L).ToArray(),
                };
                var buffer = new TensorBuffer(meta.ElementDataType, shape);
                buffers.Add(buffer);
                if (name == UnetModel.TimestepName) buffer.Fill(500);
                names.Add(name);
            }
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, names, buffers.Select(b => b.Value).ToArray(), [unet.OutputName]);
        }
        finally
        {
            foreach (var b in buffers) b.Dispose();
        }
    }
}
