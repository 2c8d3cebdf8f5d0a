using Notify.Grains.Storage;
using Notify.Tests.Fixtures;
using static Microsoft.Extensions.Options.Options;

namespace Notify.Tests.Storage;

/// <summary>The memory topic log: the contract, and forgetting topics whose events have all expired.</summary>
public sealed class MemoryTopicLogTests : TopicLogContract
{
    private readonly MemoryTopicLog _log = new(Create(Options));

    protected override ITopicLog Log => _log;

    [Fact]
    public async Task ATopicIdleLongerThanTheBufferMaxAge_IsForgotten_AndStartsANewEpoch()
    {
        var topic = Publisher.NewTopic("log");
        var (_, positions) = await AppendManyAsync(topic, 2);

        // Any call sweeps; this one comes after the topic's events have all expired.
        await _log.OpenAsync(Publisher.NewTopic("other"), T0 + Options.BufferMaxAge + TimeSpan.FromMinutes(2));
        var again = await _log.OpenAsync(topic, T0 + Options.BufferMaxAge + TimeSpan.FromMinutes(2));

        Assert.NotEqual(positions[0].Epoch, again.Epoch);
        Assert.Equal(0, again.LastSequence);
    }
}
