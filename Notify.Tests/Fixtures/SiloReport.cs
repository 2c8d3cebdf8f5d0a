namespace Notify.Tests.Fixtures;

/// <summary>What a silo's <c>GET /silo</c> answers: who it is, its SSE connections per topic, the topic grains it hosts.</summary>
internal sealed record SiloReport(
    string Address, string Name, int ProcessId, int Connections, Dictionary<string, int> Topics, int TopicGrains, List<string> TopicGrainIds);
