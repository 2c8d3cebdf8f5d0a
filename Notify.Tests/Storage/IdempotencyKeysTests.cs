using Notify.Grains.Events;
using Notify.Grains.Storage;


namespace Notify.Tests.Storage;

public class IdempotencyKeysTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RememberedKey_AnswersItsPositionWithinTheWindow_ThenIsForgotten()
    {
        var keys = new IdempotencyKeys(TimeSpan.FromMinutes(5), 100);
        var position = new EventPosition("e", 7);
        keys.Remember("k", position, T0);

        Assert.True(keys.TryGet("k", T0.AddMinutes(4), out var found));
        Assert.Equal(position, found);
        Assert.False(keys.TryGet("k", T0.AddMinutes(5), out _));
        Assert.Equal(0, keys.Count);
    }

    [Fact]
    public void BeyondMaxKeys_TheOldestIsForgotten()
    {
        var keys = new IdempotencyKeys(TimeSpan.FromMinutes(5), 2);
        keys.Remember("a", new EventPosition("e", 1), T0);
        keys.Remember("b", new EventPosition("e", 2), T0);
        keys.Remember("c", new EventPosition("e", 3), T0);

        Assert.False(keys.TryGet("a", T0, out _));
        Assert.True(keys.TryGet("b", T0, out _));
        Assert.True(keys.TryGet("c", T0, out _));
    }
}
