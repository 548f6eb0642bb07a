using WebUI.Queue;

namespace WebUI.Components.State;

/// <summary>Who this browser is to the queue: the cookie identity and its editable display name.</summary>
public interface IUserSession
{
    string UserId { get; }
    string DisplayName { get; }

    /// <summary>The owner to put on jobs this page queues.</summary>
    JobOwner Owner => new(UserId, DisplayName, JobSource.Ui);

    /// <summary>Renames the user (shown to everyone in the queue); returns the problem when the name is refused.</summary>
    Localization.TextMessage? Rename(string displayName);

    event Action? Changed;
}
