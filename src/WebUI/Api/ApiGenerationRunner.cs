using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Api.Json;
using WebUI.Api.Models;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;
using WebUI.Queue;
using WebUI.Storage;

namespace WebUI.Api;

/// <summary>
/// Runs txt2img/img2img API requests through the shared fair queue (as JobSource.Api, owned by the caller) and
/// answers as A1111 does: <c>{"images": [...], "parameters": {...}, "info": "&lt;JSON string&gt;"}</c>.
/// The queue never saves API jobs itself; with save_images the pictures are saved here, honouring the outdir_* and
/// samples_format settings in force for the job.
/// </summary>
public sealed class ApiGenerationRunner(IJobQueue queue, ProcessingMapper mapper, IOptionsStore options, ApiOutputSaver saver)
{
    public async Task<IResult> RunAsync(ProcessingApiRequest api, HttpContext http)
    {
        var job = mapper.Map(api);
        var owner = ApiCaller.OwnerOf(http);
        string timestamp = DateTime.Now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        JobView view = queue.Enqueue(job.Request, owner, new JobOptions { SaveImages = false });

        GenerationResult? result = null;
        var warnings = new List<string>(job.Warnings);
        try
        {
            var outcome = await queue.WaitAsync(view.Id, http.RequestAborted);
            result = outcome.Result;
            // What the engine could not honour for this model (e.g. clip skip on SDXL) belongs with the API's own notes.
            if (result is not null) warnings.AddRange(result.Warnings.Where(w => !warnings.Contains(w)));
            if (outcome.Interrupted) warnings.Add("interrupted: the job was interrupted; only the pictures finished before that are returned.");
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            queue.Cancel(view.Id, owner.UserId); // nobody is waiting for the pictures any more
            throw;
        }
        catch (OperationCanceledException)
        {
            // Interrupted before any picture was finished: A1111 still answers 200 with what it has (nothing).
            warnings.Add("interrupted: the job was interrupted before any picture was finished.");
        }
        catch (InvalidOperationException e)
        {
            throw new ApiHttpException(StatusCodes.Status500InternalServerError, e.Message);
        }

        if (api.OverrideSettingsRestoreAfterwards == false && job.Settings.Overrides.Count > 0)
            options.Set(job.Settings.Overrides.ToDictionary());

        return Respond(api, job, result, warnings, timestamp);
    }

    IResult Respond(ProcessingApiRequest api, ApiJob job, GenerationResult? result, List<string> warnings, string timestamp)
    {
        var pictures = result?.Images ?? [];
        var format = OutputFormatOf(job.Settings, OptionKeys.SamplesFormat);
        var encoded = pictures.Select(p => ApiImages.Encode(p.Png, p.Infotext, format)).ToList();
        var infotexts = pictures.Select(p => p.Infotext).ToList();
        int indexOfFirstImage = 0;
        bool img2img = job.Request.IsImg2Img;

        if (api.SaveImages == true && pictures.Count > 0)
        {
            saver.SavePictures(encoded.Zip(pictures, (bytes, p) => (bytes, p.Seed)).ToList(), format, job.Settings, img2img);
            if (pictures.Count >= 2)
            {
                // A1111 builds a grid only when saving (do_not_save_grid = not save_images); return_grid puts it first.
                var gridFormat = OutputFormatOf(job.Settings, OptionKeys.GridFormat);
                using var grid = ApiOutputSaver.Grid(pictures);
                byte[] gridBytes = PngText.Encode(grid, gridFormat.EmbedInfotext ? infotexts[0] : null, gridFormat.Format, gridFormat.JpegQuality, gridFormat.WebpLossless);
                saver.SaveGrid(gridBytes, gridFormat.Extension, job.Settings, img2img);
                if (job.Settings.Flag(OptionKeys.ReturnGrid))
                {
                    byte[] returned = format.Format == gridFormat.Format ? gridBytes : PngText.Encode(grid, format.EmbedInfotext ? infotexts[0] : null, format.Format, format.JpegQuality, format.WebpLossless);
                    encoded.Insert(0, returned);
                    infotexts.Insert(0, infotexts[0]);
                    indexOfFirstImage = 1;
                }
            }
        }

        var images = api.SendImages == false ? [] : encoded.Select(Convert.ToBase64String).ToList();
        var info = ProcessedInfo.Build(api, job, result, infotexts, indexOfFirstImage, timestamp, warnings);
        return ApiResponses.Json(ApiResponses.Ordered(
            ("images", images),
            ("parameters", Parameters(api)),
            ("info", PyJson.Spaced(info))));
    }

    static ApiImages.OutputFormat OutputFormatOf(ApiJobSettings settings, string formatKey) => new(
        PngText.ParseFormat(settings.Text(formatKey) is { Length: > 0 } f ? f : "png"),
        (int)settings.Integer(OptionKeys.JpegQuality),
        settings.Flag(OptionKeys.WebpLossless),
        settings[OptionKeys.EnablePngInfo] is not false);

    /// <summary>The request as received, every field with its default (A1111 echoes vars(request)).</summary>
    public static List<KeyValuePair<string, object?>> Parameters(ProcessingApiRequest api)
    {
        bool hideImages = api is Img2ImgApiRequest { IncludeInitImages: not true };
        return PydanticReader.Fields(api.GetType())
            .Select(f => new KeyValuePair<string, object?>(f.Name,
                hideImages && f.Name is "init_images" or "mask" ? null : f.Property.GetValue(api)))
            .ToList();
    }
}
