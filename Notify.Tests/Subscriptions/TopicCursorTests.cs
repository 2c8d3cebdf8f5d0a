using Notify.Api.Subscriptions;
using Notify.Grains.Events;

namespace Notify.Tests.Subscriptions;

public sealed class TopicCursorTests
{
    private static readonly TopicCursor Cursor = new(new EventPosition("abc", 5));

    [Theory]
    [InlineData("abc", 6, CursorStep.Next)]
    [InlineData("abc", 5, CursorStep.Seen)]
    [InlineData("abc", 1, CursorStep.Seen)]
    [InlineData("abc", 0, CursorStep.Seen)]
    [InlineData("abc", 7, CursorStep.Gap)]
    [InlineData("xyz", 6, CursorStep.Gap)]
    [InlineData("xyz", 1, CursorStep.Gap)]
    [InlineData("xyz", 0, CursorStep.Gap)]
    public void StepTo_ClassifiesEveryPositionExactlyOnce(string epoch, long sequence, CursorStep expected) =>
        Assert.Equal(expected, Cursor.StepTo(new EventPosition(epoch, sequence)));

    [Fact]
    public void StepTo_BeforeTheFirstEvent_TheFirstIsNext() =>
        Assert.Equal(CursorStep.Next, new TopicCursor(new EventPosition("abc", 0)).StepTo(new EventPosition("abc", 1)));
}
