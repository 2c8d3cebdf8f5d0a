using Notify.Grains.Placement;

namespace Notify.Tests.Grains;

/// <summary>
/// The assignment of stream queues to nodes that silos read queues and place grains by, and the gateway routes by: the
/// same for any order of the nodes, each node its fair share, and a leaving node's queues the only ones to move.
/// </summary>
public sealed class QueueOwnersTests
{
    private static readonly string[] Silos = ["silo-1", "silo-2", "silo-3"];

    [Theory]
    [InlineData(8, 3)]
    [InlineData(8, 2)]
    [InlineData(8, 5)]
    [InlineData(12, 3)]
    [InlineData(256, 7)]
    [InlineData(3, 8)]
    public void EachNode_TakesItsFairShare_WhateverTheOrderOfTheNodes(int queueCount, int nodeCount)
    {
        var nodes = Enumerable.Range(1, nodeCount).Select(i => $"silo-{i}").ToArray();
        var owners = Owners(queueCount, nodes);

        var shares = nodes.Select(node => owners.Count(owner => owner == node)).ToArray();
        Assert.All(shares, share => Assert.InRange(share, queueCount / nodeCount, (queueCount + nodeCount - 1) / nodeCount));
        Assert.Equal(owners, Owners(queueCount, [.. nodes.Reverse()]));
        Assert.Equal(owners, Owners(queueCount, [.. nodes.Skip(1), nodes[0]]));
    }

    [Fact]
    public void WhenANodeLeaves_OnlyItsQueuesMove_AndWhenItComesBack_TheyReturn()
    {
        var before = Owners(8, Silos);
        var after = Owners(8, ["silo-1", "silo-3"]);

        for (var queue = 0; queue < 8; queue++)
        {
            if (before[queue] != "silo-2")
            {
                Assert.Equal(before[queue], after[queue]);
            }
        }

        Assert.Equal(before, Owners(8, Silos));
    }

    [Fact]
    public void TheAssignment_IsPinned_SoAGatewayAndSilosOfDifferentBuildsAgree()
    {
        // A change would split the gateway's and the silos' views during a rolling upgrade: it must be seen.
        Assert.Equal(["silo-2", "silo-2", "silo-3", "silo-3", "silo-1", "silo-1", "silo-3", "silo-1"], Owners(8, Silos));
        Assert.Equal(5, TopicQueues.QueueOf("demo", 8));
        Assert.Equal("silo-1", TopicOwners.Pick("demo", 8, Silos, Name));
    }

    [Fact]
    public void NoNodes_NoOwner()
    {
        Assert.Null(QueueOwners.OwnerOf(0, 8, Array.Empty<string>(), Name));
    }

    private static string[] Owners(int queueCount, string[] nodes) =>
        [.. Enumerable.Range(0, queueCount).Select(queue => QueueOwners.OwnerOf(queue, queueCount, nodes, Name)!)];

    private static ReadOnlySpan<char> Name(string node) => node;
}
