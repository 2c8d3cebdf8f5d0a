using System.Numerics;

namespace Notify.Bench.Load;

/// <summary>A growable set of positive sequence numbers, one bit each.</summary>
internal sealed class SequenceSet
{
    private ulong[] _words = new ulong[4];

    /// <summary>How many distinct numbers the set holds.</summary>
    public long Count { get; private set; }

    /// <summary>Adds <paramref name="sequence"/>; false when it was already there.</summary>
    public bool Add(long sequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        var word = (int)(sequence >> 6);
        if (word >= _words.Length)
        {
            Array.Resize(ref _words, Math.Max(_words.Length * 2, word + 1));
        }

        var bit = 1UL << (int)(sequence & 63);
        if ((_words[word] & bit) != 0)
        {
            return false;
        }

        _words[word] |= bit;
        Count++;
        return true;
    }

    public bool Contains(long sequence)
    {
        var word = (int)(sequence >> 6);
        return word < _words.Length && (_words[word] & (1UL << (int)(sequence & 63))) != 0;
    }

    /// <summary>How many numbers of <paramref name="expected"/> this set lacks.</summary>
    public long CountMissingFrom(SequenceSet expected)
    {
        long missing = 0;
        for (var i = 0; i < expected._words.Length; i++)
        {
            var have = i < _words.Length ? _words[i] : 0;
            missing += BitOperations.PopCount(expected._words[i] & ~have);
        }

        return missing;
    }
}
