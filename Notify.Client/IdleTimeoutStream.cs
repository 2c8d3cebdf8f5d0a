namespace Notify.Client;

/// <summary>
/// A response body that trips <paramref name="idle"/> when no read has been asked for or answered within
/// <paramref name="timeout"/>: a connection to a frozen node, or one a middlebox dropped silently, never ends by itself.
/// Each read re-arms the timer; the reader disarms it (<see cref="Pause"/>) while it waits for its consumer, so a slow
/// consumer is never taken for a dead connection. Heartbeat comments are reads too, so a quiet topic's stream stays.
/// </summary>
internal sealed class IdleTimeoutStream(Stream inner, CancellationTokenSource idle, TimeSpan timeout) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    // Not an async method: the state it would need is an allocation per read in a debug build.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        idle.CancelAfter(timeout);
        return inner.ReadAsync(buffer, cancellationToken);
    }

    /// <summary>Stops the timer until the next read: the reader is busy elsewhere, not waiting for the network.</summary>
    public void Pause() => idle.CancelAfter(Timeout.InfiniteTimeSpan);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
