namespace Notify.Api.Sse;

/// <summary>What became of a flush.</summary>
internal enum FlushOutcome
{
    /// <summary>Sent (or taken by the connection's buffers).</summary>
    Sent,

    /// <summary>The client has gone.</summary>
    Gone,

    /// <summary>Nothing could be sent for the write timeout: the client stopped reading.</summary>
    Stuck,
}
