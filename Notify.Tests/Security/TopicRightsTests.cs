using System.Security.Claims;
using Notify.Api.Security;

namespace Notify.Tests.Security;

/// <summary>Topic selectors (an exact id, a prefix <c>a.*</c>, <c>*</c>) and the <c>notify</c> claim that grants them.</summary>
public sealed class TopicRightsTests
{
    [Theory]
    [InlineData("orders.42", "orders.42", true)]
    [InlineData("orders.42", "orders.420", false)]
    [InlineData("orders.42", "orders", false)]
    [InlineData("orders.*", "orders.42", true)]
    [InlineData("orders.*", "orders.eu.7", true)]
    [InlineData("orders.*", "orders", false)]   // the prefix covers what is below it, not the parent id
    [InlineData("orders.*", "orders.", false)]  // nothing after the dot
    [InlineData("orders.*", "ordersx.1", false)]
    [InlineData("orders.*", "Orders.1", false)] // ids are case-sensitive
    [InlineData("*", "anything.at.all", true)]
    public void ASelector_CoversWhatItSays(string text, string topic, bool covered)
    {
        Assert.True(TopicSelector.TryParse(text, out var selector));
        Assert.Equal(covered, selector.Matches(topic));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("orders*")]
    [InlineData("*.orders")]
    [InlineData("orders.*.eu")]
    [InlineData("**")]
    [InlineData(".*")]
    public void ASelectorWithAStarAnywhereElse_DoesNotParse(string? text) => Assert.False(TopicSelector.TryParse(text, out _));

    [Fact]
    public void TheNotifyClaim_GrantsEachListsSelectors_AndAMalformedOneGrantsNothing()
    {
        var rights = TopicRights.FromClaims(With("""{"publish":["orders.42"],"subscribe":["orders.*","*x*",7]}"""));
        Assert.True(rights.Allows(TopicRight.Publish, "orders.42"));
        Assert.False(rights.Allows(TopicRight.Publish, "orders.43"));
        Assert.True(rights.Allows(TopicRight.Subscribe, "orders.43"));
        Assert.False(rights.Allows(TopicRight.Subscribe, "x")); // an unparsable selector in a token grants nothing

        foreach (var malformed in new[] { "[\"*\"]", "\"*\"", "{\"publish\":\"*\"}", "not json" })
        {
            var none = TopicRights.FromClaims(With(malformed));
            Assert.False(none.Allows(TopicRight.Publish, "a"));
            Assert.False(none.Allows(TopicRight.Subscribe, "a"));
        }
    }

    [Fact]
    public void RightsFromConfiguration_RefuseASelectorThatDoesNotParse()
    {
        Assert.ThrowsAny<Exception>(() => TopicRights.FromOptions(new TopicRightsOptions { Subscribe = ["public.*", "bad*"] }));
        Assert.True(TopicRights.FromOptions(new TopicRightsOptions { Publish = ["public.*", "news"] }).Allows(TopicRight.Publish, "news"));
    }

    private static ClaimsPrincipal With(string rights) =>
        new(new ClaimsIdentity([new Claim(TopicRights.ClaimType, rights)], "test"));
}
