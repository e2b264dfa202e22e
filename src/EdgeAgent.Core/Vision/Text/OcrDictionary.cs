using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>The recognition model's character list (PP-OCR <c>ppocr_keys_v1.txt</c>: UTF-8, one character per line).</summary>
[SuppressMessage("Naming", "CA1711", Justification = "Named after PaddleOCR's character dictionary (rec_char_dict_path), not a collection type.")]
public static class OcrDictionary
{
    /// <summary>
    /// Reads one entry per line, as PaddleOCR's ppocr/postprocess/rec_postprocess.py BaseRecLabelDecode does
    /// (line endings stripped, nothing else: a line holding a space is the space character).
    /// </summary>
    /// <exception cref="InvalidDataException">The file holds no entries.</exception>
    public static IReadOnlyList<string> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        return lines.Length == 0 ? throw new InvalidDataException($"OCR dictionary {path} is empty; expected one character per line") : lines;
    }
}
