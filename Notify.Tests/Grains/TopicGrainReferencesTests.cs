using Notify.Grains.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Grains;

/// <summary>The cached way to a topic grain reaches the same grain, through the same interface, as Orleans' own.</summary>
[Collection(UsesTopicCluster.Name)]
public class TopicGrainReferencesTests(TopicClusterFixture fixture)
{
    [Fact]
    public async Task GetTopicGrain_IsOrleansOwnReference_AndReachesTheSameActivation()
    {
        var topics = Enumerable.Range(0, 3).Select(_ => Publisher.NewTopic("reference")).ToList();
        foreach (var topic in topics)
        {
            var cached = (GrainReference)fixture.Client.GetTopicGrain(topic); // the first call learns the types, later ones reuse them
            var orleans = (GrainReference)fixture.Client.GetGrain<ITopicGrain>(topic);
            Assert.Equal(orleans.GrainId, cached.GrainId);
            Assert.Equal(orleans.InterfaceType, cached.InterfaceType);

            var published = await fixture.Client.GetTopicGrain(topic).PublishAsync(new PublishRequest("x"u8.ToArray(), null, null));
            Assert.Equal(published.Position, await fixture.Client.GetGrain<ITopicGrain>(topic).GetHeadAsync());
        }
    }
}
