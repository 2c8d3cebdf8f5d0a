using Notify.Api.Topics;

namespace Notify.Tests.Topics;

public class TopicRulesTests
{
    [Theory]
    [InlineData("demo")]
    [InlineData("a")]
    [InlineData("orders.eu-west_1~v2")]
    [InlineData("A-Z.a-z_0-9~")]
    public void ValidateTopic_UnreservedCharacters_AreAccepted(string topic) => Assert.Null(TopicRules.ValidateTopic(topic));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("a:b")]
    [InlineData("été")]
    public void ValidateTopic_AnythingElse_IsRejected(string topic) => Assert.NotNull(TopicRules.ValidateTopic(topic));

    [Fact]
    public void ValidateTopic_LengthLimit() =>
        Assert.Equal([true, false], new[] { new string('a', 128), new string('a', 129) }.Select(t => TopicRules.ValidateTopic(t) is null));

    [Theory]
    [InlineData(null, true)]
    [InlineData("text/plain", true)]
    [InlineData("text/plain; charset=utf-8", true)]
    [InlineData("text/plain; charset=\"UTF-8\"", true)]
    [InlineData("application/json", true)]
    [InlineData("application/cloudevents+json; charset=UTF-8", true)]
    [InlineData("application/x-www-form-urlencoded", true)]
    [InlineData("application/octet-stream", false)]
    [InlineData("application/xml", false)]
    [InlineData("text/plain; charset=utf-16", false)]
    [InlineData("not a media type", false)]
    public void IsAcceptedContentType(string? contentType, bool accepted) =>
        Assert.Equal(accepted, TopicRules.IsAcceptedContentType(contentType));
}
