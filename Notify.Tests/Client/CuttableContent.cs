namespace Notify.Tests.Client;

/// <summary>A response body whose reads fail like a reset connection once the test cuts it, and are counted.</summary>
internal sealed class CuttableContent(Stream inner, Action<int> counted, CancellationToken cut) : Stream
{
    public static async Task<HttpContent> WrapAsync(HttpContent original, Action<int> counted, CancellationToken cut, CancellationToken cancellationToken)
    {
        var content = new StreamContent(new CuttableContent(await original.ReadAsStreamAsync(cancellationToken), counted, cut));
        foreach (var (name, values) in original.Headers)
        {
            content.Headers.TryAddWithoutValidation(name, values);
        }

        return content;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, cut);
        try
        {
            cut.ThrowIfCancellationRequested();
            var read = await inner.ReadAsync(buffer, either.Token);
            counted(read);
            return read;
        }
        catch (OperationCanceledException) when (cut.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new IOException("The test cut the stream.");
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

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
}
