using System.Globalization;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using WebUI.Api.Json;
using WebUI.Api.Models;
using WebUI.Diffusion.Imaging;
using WebUI.Diffusion.Pipelines;
using WebUI.History;
using WebUI.Api.Options;
using WebUI.Queue;
using WebUI.Storage;

namespace WebUI.Api;

/// <summary>
/// Runs txt2img/img2img API requests through the shared fair queue (as JobSource.Api, owned by the caller) and
/// answers as A1111 does: <c>{"images": [...], "parameters": {...}, "info": "&lt;JSON string&gt;"}</c>.
/// The queue never saves API jobs itself; with save_images the pictures are saved here through the app's one
/// <see cref="ImageSaver"/> (atomic writes, A1111 names, grid, history index) with the saving settings in force for
/// the job: the live ones with the request's override_settings on top.
/// </summary>
public sealed class ApiGenerationRunner(IJobQueue queue, ProcessingMapper mapper, IOptionsStore options, ImageSaver saver, SavingSettingsBinding saving)
{
    public async Task<IResult> RunAsync(ProcessingApiRequest api, HttpContext http)
    {
        var job = mapper.Map(api);
        var owner = ApiCaller.OwnerOf(http);
        var started = DateTimeOffset.Now;
        string timestamp = started.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
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

        if (api.SaveImages == true && result is { Images.Count: > 0 })
        {
            // The job's saving settings: the live ones with its override_settings (already in job.Settings) on top.
            var jobSaving = saving.ForJob(key => job.Settings[key]);
            saver.With(jobSaving).Save(result, OutputTarget.Default, owner.DisplayName, started);
        }

        return Respond(api, job, result, warnings, timestamp);
    }

    IResult Respond(ProcessingApiRequest api, ApiJob job, GenerationResult? result, List<string> warnings, string timestamp)
    {
        var pictures = result?.Images ?? [];
        var format = OutputFormatOf(job.Settings, OptionKeys.SamplesFormat);
        var encoded = pictures.Select(p => ApiImages.Encode(p.Png, p.Infotext, format)).ToList();
        var infotexts = pictures.Select(p => p.Infotext).ToList();
        int indexOfFirstImage = 0;

        // A1111 builds a grid only when saving (do_not_save_grid = not save_images), and not for a single picture while
        // grid_only_if_multiple; return_grid puts it first among the returned images, in the samples format.
        bool gridWanted = pictures.Count >= 2 || !job.Settings.Flag(OptionKeys.GridOnlyIfMultiple);
        if (api.SaveImages == true && pictures.Count > 0 && gridWanted && job.Settings.Flag(OptionKeys.ReturnGrid))
        {
            using var grid = Grid(pictures, job);
            encoded.Insert(0, PngText.Encode(grid, format.EmbedInfotext ? infotexts[0] : null, format.Format, format.JpegQuality, format.WebpLossless));
            infotexts.Insert(0, infotexts[0]);
            indexOfFirstImage = 1;
        }

        var images = api.SendImages == false ? [] : encoded.Select(Convert.ToBase64String).ToList();
        var info = ProcessedInfo.Build(api, job, result, infotexts, indexOfFirstImage, timestamp, warnings);
        return ApiResponses.Json(ApiResponses.Ordered(
            ("images", images),
            ("parameters", Parameters(api)),
            ("info", PyJson.Spaced(info))));
    }

    /// <summary>The grid as the saver composes it: n_rows, grid_prevent_empty_spots and grid_background_color of the job.</summary>
    static Image<Rgb24> Grid(IReadOnlyList<GeneratedImage> pictures, ApiJob job)
    {
        var images = pictures.Select(p => Image.Load<Rgb24>(p.Png)).ToList();
        try
        {
            int rows = ImageGrid.Rows(images.Count, Math.Max(1, job.Request.BatchSize), (int)job.Settings.Integer(OptionKeys.GridRows),
                job.Settings.Flag(OptionKeys.GridPreventEmptySpots));
            return ImageGrid.Compose(images, rows, ImageGrid.ParseColor(job.Settings.Text(OptionKeys.GridBackgroundColor)));
        }
        finally
        {
            foreach (var image in images) image.Dispose();
        }
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
