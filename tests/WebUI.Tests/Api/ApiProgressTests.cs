using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Queue;
using WebUI.Tests.Support;

namespace WebUI.Tests.Api;

public sealed class ApiProgressTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Progress_when_idle_is_all_zero()
    {
        using var client = factory.CreateClient();
        await WaitUntilIdle(factory.Services.GetRequiredService<IJobQueue>()); // another test of this class may still be stopping a job
        var body = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/progress"));
        Assert.Equal(["progress", "eta_relative", "state", "current_image", "textinfo"], ApiHttp.Keys(body));
        Assert.Equal(0, body.GetProperty("progress").GetDouble());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("current_image").ValueKind);
        var state = body.GetProperty("state");
        Assert.Equal(["skipped", "interrupted", "stopping_generation", "job", "job_count", "job_timestamp", "job_no", "sampling_step", "sampling_steps"],
            ApiHttp.Keys(state));
        Assert.Equal(0, state.GetProperty("job_count").GetInt32());
        Assert.Equal("0", state.GetProperty("job_timestamp").GetString());

        var bad = await client.GetAsync("/sdapi/v1/progress?skip_current_image=maybe");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Equal("query", (await ApiHttp.ReadJson(bad)).GetProperty("detail")[0].GetProperty("loc")[0].GetString());
    }

    [Fact]
    public async Task Progress_follows_a_running_job_whose_preview_changes_and_interrupt_stops_it()
    {
        using var client = factory.CreateClient();
        var queue = factory.Services.GetRequiredService<IJobQueue>();
        // The demo model runs 150 steps in a fraction of a second: the worker waits after each step until this test
        // has read the progress, so the job is still running when the test looks at it and interrupts it.
        using var pacer = new JobPacer(queue);
        var job = client.PostAsync("/sdapi/v1/txt2img", ApiHttp.Json("""{"prompt": "a red barn", "seed": 7, "steps": 150, "width": 256, "height": 256}"""));

        var images = new List<string>();
        JsonElement running = default;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (images.Distinct().Count() < 2 && DateTime.UtcNow < deadline && !job.IsCompleted)
        {
            var body = await ApiHttp.ReadJson(await client.GetAsync("/sdapi/v1/progress"));
            if (body.GetProperty("state").GetProperty("sampling_step").GetInt32() > 0)
            {
                running = body;
                if (body.GetProperty("current_image").GetString() is { } image) images.Add(image);
                pacer.Step(); // the worker holds after this step: let it make the next one (and its preview)
            }
            await Task.Delay(30);
        }
        Assert.True(images.Distinct().Count() >= 2, "current_image should change while the job runs");
        var png = Convert.FromBase64String(images[^1]);
        Assert.Equal(0x89, png[0]);

        var state = running.GetProperty("state");
        Assert.Equal("scripts_txt2img", state.GetProperty("job").GetString());
        Assert.Equal(1, state.GetProperty("job_count").GetInt32());
        Assert.Equal(150, state.GetProperty("sampling_steps").GetInt32());
        int step = state.GetProperty("sampling_step").GetInt32();
        double progress = running.GetProperty("progress").GetDouble();
        Assert.Equal(0.01 + step / 150.0, progress, 6); // A1111: 0.01 + job_no/job_count + step/steps/job_count
        Assert.True(running.GetProperty("eta_relative").GetDouble() >= 0);

        // The API job is in the shared queue, owned by this client as an API job.
        var mine = Assert.Single(queue.Snapshot(), j => j.Owner.Source == JobSource.Api);
        Assert.Equal(JobState.Running, mine.State);

        var interrupt = await client.PostAsync("/sdapi/v1/interrupt", null);
        Assert.Equal("{}", await interrupt.Content.ReadAsStringAsync());
        pacer.Release();
        var response = await job.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ApiHttp.ReadJson(response);
        Assert.Empty(result.GetProperty("images").EnumerateArray());
        using var info = JsonDocument.Parse(result.GetProperty("info").GetString()!);
        Assert.Contains(info.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("interrupted"));
    }

    [Fact]
    public async Task Interrupt_and_skip_of_someone_elses_job_do_nothing()
    {
        using var client = factory.CreateClient();
        Assert.Equal("{}", await (await client.PostAsync("/sdapi/v1/interrupt", null)).Content.ReadAsStringAsync());
        Assert.Equal("null", await (await client.PostAsync("/sdapi/v1/skip", null)).Content.ReadAsStringAsync());

        var queue = factory.Services.GetRequiredService<IJobQueue>();
        // Held after its first step, so the job is surely still running when the interrupt arrives.
        using var pacer = new JobPacer(queue);
        var other = queue.Enqueue(new Diffusion.Pipelines.GenerationRequest { Prompt = "x", Steps = 150, Width = 256, Height = 256, Seed = 1 },
            new JobOwner("someone", "Someone", JobSource.Ui), new JobOptions { SaveImages = false });
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (queue.Current?.JobId != other.Id && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.Equal(other.Id, queue.Current?.JobId);
            await client.PostAsync("/sdapi/v1/interrupt", null);
            await client.PostAsync("/sdapi/v1/skip", null);
            Assert.Equal(JobState.Running, queue.Get(other.Id)!.State);
            // The outcome on the server: let the job go on, and it ends with its picture, neither interrupted nor skipped.
            pacer.Release();
            var outcome = await queue.WaitAsync(other.Id).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(outcome.Interrupted);
            Assert.Single(outcome.Result.Images);
            Assert.Equal(JobState.Done, queue.Get(other.Id)!.State);
        }
        finally
        {
            pacer.Release();
            queue.Cancel(other.Id, "someone");
            await WaitUntilIdle(queue);
        }
    }

    static async Task WaitUntilIdle(IJobQueue queue)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (queue.Current is not null && DateTime.UtcNow < deadline) await Task.Delay(20);
    }
}
