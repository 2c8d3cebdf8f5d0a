namespace Notify.Bench.Sse;

/// <summary>A growable byte buffer that is cleared, not reallocated, between uses.</summary>
internal sealed class ByteBuffer
{
    private byte[] _bytes = new byte[64];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + bytes.Length));
        }

        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
    }
}
