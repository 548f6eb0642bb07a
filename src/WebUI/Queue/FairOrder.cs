namespace WebUI.Queue;

/// <summary>
/// The order waiting jobs run in: round-robin between users, FIFO (or the user's own order) within a user.
/// Each job's round is the number of that user's jobs ahead of it — their earlier waiting jobs, plus one when the user
/// already has the running job — and jobs run by round. Within a round, the user served longest ago goes first
/// (never served beats served), then the earlier arrival. So when A queues 3 jobs and B one, the order is
/// A1, B1, A2, A3; and a user who adds one job at a time is served after at most one job of each other user.
/// </summary>
internal static class FairOrder
{
    /// <param name="waiting">Queued jobs, any order.</param>
    /// <param name="runningUser">The user whose job is running, or null when idle.</param>
    /// <param name="lastServed">User id → serial number of their latest job start (higher = more recent).</param>
    public static List<T> Sort<T>(IEnumerable<T> waiting, Func<T, (string User, long UserOrder, long Sequence)> key,
        string? runningUser, IReadOnlyDictionary<string, long> lastServed)
    {
        var ranked = new List<(T Job, int Round, long Served, long Sequence)>();
        foreach (var group in waiting.GroupBy(j => key(j).User, StringComparer.Ordinal))
        {
            int round = group.Key == runningUser ? 1 : 0;
            long served = lastServed.TryGetValue(group.Key, out long s) ? s : -1;
            foreach (var job in group.OrderBy(j => key(j).UserOrder).ThenBy(j => key(j).Sequence))
                ranked.Add((job, round++, served, key(job).Sequence));
        }
        ranked.Sort((a, b) =>
        {
            int c = a.Round.CompareTo(b.Round);
            if (c == 0) c = a.Served.CompareTo(b.Served);
            return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
        });
        return ranked.ConvertAll(r => r.Job);
    }
}
