using Notify.Grains.Events;
using Notify.Grains.Reads;


namespace Notify.Tests.Grains;

public class EventPositionTests
{
    [Theory]
    [InlineData("k3f9a2b7xq:0", "k3f9a2b7xq", 0)]
    [InlineData("k3f9a2b7xq:42", "k3f9a2b7xq", 42)]
    [InlineData("a:9223372036854775807", "a", long.MaxValue)]
    public void TryParse_WireForm_RoundTrips(string text, string epoch, long sequence)
    {
        Assert.True(EventPosition.TryParse(text, out var position));
        Assert.Equal(new EventPosition(epoch, sequence), position);
        Assert.Equal(text, position.Value.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("42")]
    [InlineData(":42")]
    [InlineData("abc:")]
    [InlineData("abc:-1")]
    [InlineData("abc:+1")]
    [InlineData("abc:01")]
    [InlineData("abc:1.0")]
    [InlineData("ABC:1")]
    [InlineData("ab-c:1")]
    [InlineData("abc:1:2")]
    [InlineData("abc:99999999999999999999")]
    [InlineData("abcdefghijklmnopqrstuvwxy:1")]
    [InlineData("earliest")]
    public void TryParse_AnythingElse_IsRejected(string text)
    {
        Assert.False(EventPosition.TryParse(text, out _));
    }

    [Fact]
    public void NewEpoch_IsShortLowercaseAndParses()
    {
        var epochs = Enumerable.Range(0, 100).Select(_ => EventPosition.NewEpoch()).ToList();
        Assert.All(epochs, epoch =>
        {
            Assert.Equal(EventPosition.NewEpochLength, epoch.Length);
            Assert.True(EventPosition.TryParse(epoch + ":1", out _));
        });
        Assert.Equal(epochs.Count, epochs.Distinct().Count());
    }

    [Fact]
    public void WireId_FitsTheContractAlphabetAndLength()
    {
        var id = new EventPosition(EventPosition.NewEpoch(), long.MaxValue).ToString();
        Assert.True(id.Length <= 64);
        Assert.Matches("^[A-Za-z0-9._:~-]+$", id);
    }

    [Theory]
    [InlineData(null, ResumeKind.Live)]
    [InlineData("", ResumeKind.Live)]
    [InlineData("earliest", ResumeKind.Earliest)]
    [InlineData("abc:3", ResumeKind.After)]
    [InlineData("Earliest", ResumeKind.Malformed)]
    [InlineData("nonsense", ResumeKind.Malformed)]
    public void ResumeFrom_Parse_DecodesLastEventId(string? lastEventId, ResumeKind expected)
    {
        Assert.Equal(expected, ResumeFrom.Parse(lastEventId).Kind);
    }
}
