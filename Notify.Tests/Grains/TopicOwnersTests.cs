using System.Text;
using Notify.Grains.Placement;

namespace Notify.Tests.Grains;

/// <summary>
/// The one hash by which silos place topic grains and the gateway routes publishes: it must pick the same owner on both
/// sides whatever order they list the nodes in, spread topics evenly, and move only a leaving node's topics.
/// </summary>
public sealed class TopicOwnersTests
{
    private static readonly string[] Silos = ["silo-1", "silo-2", "silo-3"];
    private static readonly List<string> Topics = [.. Enumerable.Range(0, 3_000).Select(i => $"topic-{i}")];

    [Fact]
    public void TheOwner_DoesNotDependOnTheOrderTheNodesAreListedIn()
    {
        foreach (var topic in Topics.Take(300))
        {
            var owner = TopicOwners.Pick(topic, Silos, Name);
            Assert.Equal(owner, TopicOwners.Pick(topic, [.. Silos.Reverse()], Name));
            Assert.Equal(owner, TopicOwners.Pick(topic, [Silos[1], Silos[2], Silos[0]], Name));
        }
    }

    [Fact]
    public void ATopicIdAndItsUtf8Bytes_HaveTheSameOwner_AsTheGatewayAndTheSilosHashThem()
    {
        foreach (var topic in new[] { "demo", "prices.EURUSD", "café-☕", "ünïcödé/topic", new string('x', 600) })
        {
            Assert.Equal(TopicOwners.Pick(topic, Silos, Name), TopicOwners.Pick(Encoding.UTF8.GetBytes(topic), Silos, Name));
        }
    }

    [Fact]
    public void TopicsSpreadEvenly_OverTheNodes()
    {
        var counts = Topics.GroupBy(topic => TopicOwners.Pick(topic, Silos, Name)).ToDictionary(group => group.Key!, group => group.Count());

        Assert.Equal(Silos.Order(), counts.Keys.Order());
        // 1,000 each on average; a fair hash keeps each within a few standard deviations (about 26).
        Assert.All(counts.Values, count => Assert.InRange(count, 880, 1_120));
    }

    [Fact]
    public void WhenANodeLeaves_OnlyItsTopicsMove_AndWhenItComesBack_TheyReturn()
    {
        string[] remaining = ["silo-1", "silo-3"];
        var moved = 0;
        foreach (var topic in Topics)
        {
            var before = TopicOwners.Pick(topic, Silos, Name);
            var after = TopicOwners.Pick(topic, remaining, Name);
            if (before == "silo-2")
            {
                moved++;
                Assert.Contains(after, remaining);
            }
            else
            {
                Assert.Equal(before, after);
            }
        }

        Assert.InRange(moved, 880, 1_120);
    }

    [Fact]
    public void TheHash_IsPinned_SoAGatewayAndSilosOfDifferentBuildsAgree()
    {
        // A change of hash would split the gateway's and the silos' views during a rolling upgrade: it must be seen.
        Assert.Equal("silo-1", TopicOwners.Pick("demo", Silos, Name));
        Assert.Equal(0xEA4F0435BDB9952DUL, TopicOwners.Score("demo"u8, "silo-1"));
        Assert.Equal(0x47A586FEC549D78BUL, TopicOwners.Score("prices.EURUSD"u8, "silo-2"));
    }

    [Fact]
    public void NoNodes_NoOwner()
    {
        Assert.Null(TopicOwners.Pick("demo", Array.Empty<string>(), Name));
    }

    private static ReadOnlySpan<char> Name(string node) => node;
}
