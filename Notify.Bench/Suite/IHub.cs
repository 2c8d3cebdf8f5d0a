namespace Notify.Bench.Suite;

/// <summary>A hub the suite starts, measures and stops.</summary>
internal interface IHub : IAsyncDisposable
{
    /// <summary>Short name used in results: notify, nchan.</summary>
    string Name { get; }

    /// <summary>Where topics live: <c>POST</c>/<c>GET</c> <c>{TopicsUrl}/{topic}</c>.</summary>
    Uri TopicsUrl { get; }

    /// <summary>The processes whose CPU and memory are the hub's (their children included), named for the results.</summary>
    IReadOnlyList<Measure.ServerProcess> Processes { get; }

    /// <summary>The load balancer's process, whose memory is also reported alone; null for a hub without one.</summary>
    int? LoadBalancerProcessId => null;

    /// <summary>How the hub is asked for one stream of several topics.</summary>
    Load.TopicSetStyle TopicSets => Load.TopicSetStyle.Query;

    Task StartAsync(CancellationToken cancellationToken);
}
