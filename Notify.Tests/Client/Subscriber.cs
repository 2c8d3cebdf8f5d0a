using Notify.Client;

namespace Notify.Tests.Client;

/// <summary>An application's subscription loop: enumerates <see cref="NotifyClient.SubscribeAsync(IEnumerable{string}, NotifyStart?, CancellationToken)"/> and keeps every item.</summary>
public sealed class Subscriber : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<NotifyItem> _items = [];
    private readonly List<DateTime> _receivedAt = [];

    private Subscriber(NotifyClient client, IEnumerable<string> topics, NotifyStart? from)
    {
        Completion = Task.Run(async () =>
        {
            await foreach (var item in client.SubscribeAsync(topics, from, _stop.Token))
            {
                lock (_items)
                {
                    _items.Add(item);
                    _receivedAt.Add(DateTime.UtcNow);
                }
            }
        });
    }

    /// <summary>Ends when the enumeration does: faulted with the error that ended it, or cancelled.</summary>
    public Task Completion { get; }

    public IReadOnlyList<NotifyItem> Items
    {
        get
        {
            lock (_items)
            {
                return [.. _items];
            }
        }
    }

    public IReadOnlyList<NotifyEvent> Events => [.. Items.OfType<NotifyEvent>()];

    /// <summary>Every item with when the application got it.</summary>
    public IReadOnlyList<(NotifyItem Item, DateTime At)> Timeline
    {
        get
        {
            lock (_items)
            {
                return [.. _items.Zip(_receivedAt)];
            }
        }
    }

    public static Subscriber Start(NotifyClient client, IEnumerable<string> topics, NotifyStart? from = null) => new(client, topics, from);

    /// <summary>The ids of the events received on <paramref name="topic"/>, in order.</summary>
    public IReadOnlyList<string> IdsOf(string topic) => [.. Events.Where(e => e.Topic == topic).Select(e => e.Id)];

    /// <summary>Waits until the items satisfy <paramref name="condition"/>; fails at once if the enumeration ended.</summary>
    public async Task<IReadOnlyList<NotifyItem>> WaitUntilAsync(Func<IReadOnlyList<NotifyItem>, bool> condition, string because, TimeSpan? timeout = null)
    {
        await Eventually.TrueAsync(() =>
        {
            if (Completion.IsCompleted)
            {
                Completion.GetAwaiter().GetResult();
                throw new InvalidOperationException("The subscription ended.");
            }

            return condition(Items);
        }, because, timeout);
        return Items;
    }

    /// <summary>Waits until <paramref name="topic"/> has delivered at least <paramref name="count"/> events; returns their ids.</summary>
    public async Task<IReadOnlyList<string>> WaitForEventsAsync(string topic, int count, TimeSpan? timeout = null)
    {
        await WaitUntilAsync(_ => IdsOf(topic).Count >= count, $"{count} events of {topic} arrived (now {IdsOf(topic).Count})", timeout);
        return IdsOf(topic);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Completion;
        }
        catch (OperationCanceledException)
        {
            // Stopped by us.
        }
        catch (HttpRequestException)
        {
            // A test that expected the refusal has already looked at it.
        }

        _stop.Dispose();
    }
}
