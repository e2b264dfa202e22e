using System.Text;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// Greedy CTC decoding as PaddleOCR's ppocr/postprocess/rec_postprocess.py CTCLabelDecode does it: take the most
/// probable class per time step, collapse repeats, drop blanks. Classes are blank (0), then the dictionary's entries,
/// then a space (use_space_char True). The score is the mean of the kept steps' probabilities (0 when nothing is kept).
/// </summary>
internal sealed class CtcDecoder
{
    private readonly IReadOnlyList<string> _dictionary;
    private readonly StringBuilder _text = new();

    public CtcDecoder(IReadOnlyList<string> dictionary)
    {
        ArgumentNullException.ThrowIfNull(dictionary);
        if (dictionary.Count == 0)
        {
            throw new ArgumentException("the dictionary is empty", nameof(dictionary));
        }

        _dictionary = dictionary;
    }

    /// <summary>Blank + dictionary + space.</summary>
    public int ClassCount => _dictionary.Count + 2;

    /// <summary>Decodes <paramref name="probabilities"/>, <paramref name="steps"/> rows of <see cref="ClassCount"/> values.</summary>
    public (string Text, float Score) Decode(ReadOnlySpan<float> probabilities, int steps)
    {
        var classes = ClassCount;
        if (probabilities.Length < steps * classes)
        {
            throw new ArgumentException($"{steps} steps of {classes} classes need {steps * classes} values, got {probabilities.Length}", nameof(probabilities));
        }

        _text.Clear();
        double sum = 0;
        var kept = 0;
        var previous = -1;
        for (var t = 0; t < steps; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            var best = 0;
            var bestP = row[0];
            for (var c = 1; c < classes; c++)
            {
                // np.argmax: the first maximum wins.
                if (row[c] > bestP)
                {
                    best = c;
                    bestP = row[c];
                }
            }

            if (best != 0 && best != previous)
            {
                _text.Append(best == classes - 1 ? " " : _dictionary[best - 1]);
                sum += bestP;
                kept++;
            }

            previous = best;
        }

        return kept == 0 ? (string.Empty, 0f) : (_text.ToString(), (float)(sum / kept));
    }
}
