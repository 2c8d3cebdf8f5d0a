namespace Notify.Api.Security;

/// <summary>What a client may do with a topic.</summary>
public enum TopicRight
{
    /// <summary><c>POST /topics/{topic}</c>.</summary>
    Publish,

    /// <summary><c>GET /topics/{topic}</c> (SSE) and <c>GET /topics/{topic}/events</c>.</summary>
    Subscribe,
}
