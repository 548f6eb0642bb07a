using System.Globalization;
using WebUI.Api.Models;
using WebUI.Diffusion.Imaging;
using WebUI.Queue;
using WebUI.Storage;

namespace WebUI.Api;

/// <summary>txt2img, img2img, progress, interrupt and skip: the routes that touch the queue.</summary>
static class ProgressEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/txt2img", async (HttpContext http, ApiGenerationRunner runner) =>
                await runner.RunAsync(await ApiRequestBody.ReadAsync<Txt2ImgApiRequest>(http.Request), http))
            .Accepts<Txt2ImgApiRequest>("application/json").Produces<ImageResponse>().WithName("text2imgapi")
            .WithSummary("Text to image").ProducesValidation().ProducesApiError(400, 404);

        api.MapPost("/img2img", async (HttpContext http, ApiGenerationRunner runner) =>
                await runner.RunAsync(await ApiRequestBody.ReadAsync<Img2ImgApiRequest>(http.Request), http))
            .Accepts<Img2ImgApiRequest>("application/json").Produces<ImageResponse>().WithName("img2imgapi")
            .WithSummary("Image to image").ProducesValidation().ProducesApiError(400, 404);

        api.MapGet("/progress", (HttpContext http, IJobQueue queue, IOptionsStore options) =>
                ApiResponses.Json(Progress(queue, options, ApiRequestBody.QueryFlag(http.Request, "skip_current_image", false))))
            .Produces<ProgressResponse>().WithName("progressapi").WithSummary("Progress of the running job").ProducesValidation();

        api.MapPost("/interrupt", (HttpContext http, IJobQueue queue) =>
            {
                // A1111 interrupts whatever runs; in the shared queue a client may stop only its own job.
                if (queue.Current is { } current) queue.Cancel(current.JobId, ApiCaller.OwnerOf(http).UserId);
                return ApiResponses.Json(ApiResponses.Ordered());
            })
            .WithName("interruptapi").WithSummary("Interrupt the caller's running job");

        api.MapPost("/skip", (HttpContext http, IJobQueue queue) =>
            {
                if (queue.Current is { } current) queue.Skip(current.JobId, ApiCaller.OwnerOf(http).UserId);
                return ApiResponses.Json(null);
            })
            .WithName("skip").WithSummary("Skip the current picture of the caller's running job");
    }

    /// <summary>
    /// A1111's progress: progress = 0.01 + job_no/job_count + (1/job_count)·(step/steps), eta_relative =
    /// elapsed/progress − elapsed (seconds) before progress is clamped to 1; all zero and null when idle.
    /// </summary>
    internal static List<KeyValuePair<string, object?>> Progress(IJobQueue queue, IOptionsStore options, bool skipCurrentImage)
    {
        var current = queue.Current;
        var view = current is null ? null : queue.Get(current.JobId);
        if (current is null || view is null)
        {
            return ApiResponses.Ordered(("progress", 0.0), ("eta_relative", 0.0),
                ("state", State(false, false, "", 0, "0", 0, 0, 0)), ("current_image", null), ("textinfo", null));
        }
        int jobCount = Math.Max(1, current.BatchCount);
        int jobNo = Math.Clamp(current.Batch - 1, 0, jobCount - 1);
        double progress = 0.01 + (double)jobNo / jobCount;
        if (current.Steps > 0) progress += 1.0 / jobCount * ((double)current.Step / current.Steps);
        double elapsed = current.Elapsed.TotalSeconds;
        double eta = elapsed / progress - elapsed;
        progress = Math.Min(progress, 1.0);

        string job = jobCount > 1 ? $"Batch {jobNo + 1} out of {jobCount}" : view.Request.IsImg2Img ? "scripts_img2img" : "scripts_txt2img";
        string timestamp = (view.StartedUtc ?? view.CreatedUtc).ToLocalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        string? image = null;
        if (!skipCurrentImage && queue.CurrentPreviewPng is { } png)
        {
            string format = options.Get(OptionKeys.SamplesFormat) as string ?? "png";
            byte[] bytes = format == "png" ? png
                : ApiImages.Encode(png, "", new ApiImages.OutputFormat(PngText.ParseFormat(format), 80, false, EmbedInfotext: false));
            image = Convert.ToBase64String(bytes);
        }
        var state = State(false, view.State == JobState.Canceled, job, jobCount, timestamp, jobNo, current.Step, current.Steps);
        return ApiResponses.Ordered(("progress", progress), ("eta_relative", eta), ("state", state), ("current_image", image), ("textinfo", null));
    }

    static List<KeyValuePair<string, object?>> State(bool skipped, bool interrupted, string job, int jobCount, string timestamp, int jobNo, int step, int steps) =>
        ApiResponses.Ordered(("skipped", skipped), ("interrupted", interrupted), ("stopping_generation", false), ("job", job),
            ("job_count", jobCount), ("job_timestamp", timestamp), ("job_no", jobNo), ("sampling_step", step), ("sampling_steps", steps));
}
