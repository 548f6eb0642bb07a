using WebUI.Previews;
using WebUI.Queue;
using WebUI.Storage;

namespace WebUI.Tests.Queue;

public sealed class PersistenceTests : IDisposable
{
    readonly QueueTestKit kit = new();

    [Fact]
    public void A_waiting_img2img_job_keeps_an_init_image_larger_than_a_LiteDB_document_across_a_restart()
    {
        var picture = new byte[17 * 1024 * 1024]; // LiteDB documents stop at 16 MB
        new Random(1).NextBytes(picture);
        var request = QueueTestKit.Request("a cat") with { InitImage = picture, DenoisingStrength = 0.4 };
        Guid id;
        using (var db = new AppDatabase(kit.DatabasePath))
            id = new JobQueue(db, new ValidatingRunner(), new PreviewPublisher()).Enqueue(request, QueueTestKit.User("a")).Id;

        using var reopened = new AppDatabase(kit.DatabasePath);
        var queue = new JobQueue(reopened, new ValidatingRunner(), new PreviewPublisher());
        var view = Assert.Single(queue.Snapshot());
        Assert.Equal(id, view.Id);
        Assert.Equal(picture, view.Request.InitImage);
        Assert.Equal(request, view.Request with { InitImage = picture });
        Assert.Equal(new JobOwner("a", "User a", JobSource.Ui), view.Owner);
    }

    [Fact]
    public async Task Moves_and_cancellations_are_stored_and_finished_records_drop_the_init_image()
    {
        var picture = new byte[1000];
        Guid failedId;
        using (var db = new AppDatabase(kit.DatabasePath))
        {
            var queue = new JobQueue(db, new ValidatingRunner(), new PreviewPublisher());
            var a1 = queue.Enqueue(QueueTestKit.Request("A1") with { InitImage = picture }, QueueTestKit.User("a"));
            queue.Enqueue(QueueTestKit.Request("A2"), QueueTestKit.User("a"));
            var a3 = queue.Enqueue(QueueTestKit.Request("A3"), QueueTestKit.User("a"));
            Assert.True(queue.Move(a3.Id, "a", -1));
            var running = await queue.TakeNextAsync(CancellationToken.None);
            Assert.Equal(a1.Id, running.Doc.Id);
            failedId = a1.Id;
            queue.Complete(running, null, new InvalidOperationException("The model exploded."));
        }

        using var reopened = new AppDatabase(kit.DatabasePath);
        var again = new JobQueue(reopened, new ValidatingRunner(), new PreviewPublisher());
        Assert.Equal(["A3", "A2"], again.Snapshot().Select(j => j.Request.Prompt));
        var record = again.Get(failedId)!;
        Assert.Equal(JobState.Failed, record.State);
        Assert.Equal("The model exploded.", record.Error);
        Assert.Null(record.Request.InitImage);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => again.WaitAsync(record.Id));
        Assert.Equal("The model exploded.", error.Message);
    }

    public void Dispose() => kit.Dispose();
}
