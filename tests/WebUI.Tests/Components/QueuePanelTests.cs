using Bunit;
using Microsoft.Extensions.DependencyInjection;
using WebUI.Components.Panels;
using WebUI.Diffusion.Pipelines;
using WebUI.Queue;
using WebUI.Users;

namespace WebUI.Tests.Components;

public sealed class QueuePanelTests : UiTestContext
{
    [Fact]
    public void Lists_every_users_jobs_in_run_order_with_names_and_gives_buttons_only_on_the_users_own_jobs()
    {
        RenderProviders();
        var bob = Queue.AddForeign(new JobOwner("bob-id", "Bob", JobSource.Ui), "bob's castle");
        var mine = Queue.Enqueue(new GenerationRequest { Prompt = "my lighthouse" }, new JobOwner(UserId, "Me", JobSource.Ui));
        var api = Queue.AddForeign(new JobOwner("api-id", "script", JobSource.Api), new string('x', 120));
        Queue.Start(bob.Id);
        var cut = Render<QueuePanel>(p => p.Add(x => x.Prefix, "txt2img"));

        var rows = cut.FindAll("#txt2img-queue tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Equal(["Bob", "Me", "script"], rows.Select(r => r.GetAttribute("data-owner")));
        Assert.Contains("▶", rows[0].TextContent);
        Assert.Contains("my lighthouse", rows[1].TextContent);
        Assert.Contains("(you)", rows[1].TextContent);
        Assert.Contains("...", rows[2].QuerySelector(".webui-queue-prompt")!.TextContent); // long prompts are shortened

        Assert.Empty(rows[0].QuerySelectorAll(".webui-queue-cancel"));
        Assert.Empty(rows[2].QuerySelectorAll(".webui-queue-cancel"));
        Assert.Single(rows[1].QuerySelectorAll(".webui-queue-cancel"));
        Assert.Single(rows[1].QuerySelectorAll(".webui-queue-up"));

        // Clicks are dispatched through the renderer, which may still be repainting after a queue event.
        rows[1].QuerySelector(".webui-queue-up")!.Click();
        cut.WaitForAssertion(() => Assert.Equal((mine.Id, UserId, -1), Assert.Single(Queue.Moved)));
        cut.FindAll("#txt2img-queue tbody tr")[1].QuerySelector(".webui-queue-cancel")!.Click();
        cut.WaitForAssertion(() => Assert.Equal((mine.Id, UserId), Assert.Single(Queue.Canceled)));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("#txt2img-queue tbody tr").Count));
        Assert.Equal(JobState.Queued, Queue.Get(api.Id)!.State);
    }

    [Fact]
    public void Shows_the_running_jobs_percentage_and_follows_new_jobs_as_they_arrive()
    {
        RenderProviders();
        var cut = Render<QueuePanel>(p => p.Add(x => x.Prefix, "img2img"));
        Assert.NotNull(cut.Find("#img2img-queue-empty"));

        var job = Queue.AddForeign(new JobOwner("bob-id", "Bob", JobSource.Ui), "castle");
        cut.WaitForAssertion(() => Assert.Contains("Waiting", cut.Find("#img2img-queue tbody").TextContent));
        Queue.Start(job.Id);
        Queue.Progress(job.Id, 10, TimeSpan.FromSeconds(1), null);
        cut.WaitForAssertion(() => Assert.Contains("Running 50%", cut.Find("#img2img-queue tbody").TextContent));
    }

    [Fact]
    public void The_display_name_is_editable_and_a_bad_one_is_refused_at_the_field()
    {
        RenderProviders();
        var cut = Render<QueuePanel>(p => p.Add(x => x.Prefix, "txt2img"));
        var users = Services.GetRequiredService<UserStore>();

        cut.Find("#txt2img-display-name").Input("Alice");
        cut.Find("#txt2img-display-name").Blur();
        cut.WaitForAssertion(() => Assert.Equal("Alice", users.DisplayNameOf(UserId)));

        cut.Find("#txt2img-display-name").Input("   ");
        cut.Find("#txt2img-display-name").Blur();
        cut.WaitForAssertion(() => Assert.Contains("The name must not be empty.", cut.Markup));
        Assert.Equal("Alice", users.DisplayNameOf(UserId));
    }
}
