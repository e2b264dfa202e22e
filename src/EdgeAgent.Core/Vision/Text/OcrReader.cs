using EdgeAgent.Core.Inference;
using EdgeAgent.Core.Vision;

namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// Reads printed text (Chinese and English) with PaddleOCR's PP-OCRv4 models: the DB detector finds text lines, each
/// line is rectified upright and the SVTR-LCNet recogniser reads it with greedy CTC decoding
/// (tools/infer/predict_system.py TextSystem, without the optional angle classifier, so text turned upside down is not
/// read). The sessions stay the caller's: this class does not dispose them. One caller at a time, like the sessions.
/// In steady state (the same image size as the last call, and lines whose recogniser input has the width of the one
/// before, e.g. any line up to 320/48 wide) a call allocates only the lines it returns; a new recogniser input width
/// makes the session rebind its buffers.
/// </summary>
public sealed class OcrReader
{
    private readonly IInferenceSession _detector;
    private readonly IInferenceSession _recognizer;
    private readonly CtcDecoder _decoder;
    private readonly DbPostProcessor _postProcessor;
    private readonly List<Quad> _boxes = [];
    private readonly long[] _detShape = new long[4];
    private readonly long[] _recShape = new long[4];
    private byte[] _pixels = [];

    /// <param name="detector">The ppocr-det session (input [N,3,H,W], output the probability map [N,1,H,W]).</param>
    /// <param name="recognizer">The ppocr-rec session (input [N,3,48,W], output [N,T,classes]).</param>
    /// <param name="dictionary">The recogniser's characters (<see cref="OcrDictionary.Load"/> of its "dictionary" asset).</param>
    /// <param name="options">Thresholds; PaddleOCR's defaults when null.</param>
    /// <exception cref="ArgumentException">The dictionary does not fit the recogniser's class count.</exception>
    public OcrReader(IInferenceSession detector, IInferenceSession recognizer, IReadOnlyList<string> dictionary, OcrOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(recognizer);
        ArgumentNullException.ThrowIfNull(dictionary);
        Options = options ?? new OcrOptions();
        Options.Validate();
        _detector = detector;
        _recognizer = recognizer;
        _decoder = new CtcDecoder(dictionary);
        _postProcessor = new DbPostProcessor(Options);
        var outputs = recognizer.Entry.Outputs;
        if (outputs.Count > 0 && outputs[0].Shape is { Count: 3 } shape && shape[2] > 0 && shape[2] != _decoder.ClassCount)
        {
            throw new ArgumentException(
                $"model '{recognizer.Entry.Name}' has {shape[2]} classes; a dictionary of {dictionary.Count} entries gives {_decoder.ClassCount} (blank + entries + space)",
                nameof(dictionary));
        }
    }

    public OcrOptions Options { get; }

    /// <summary>The text lines in <paramref name="image"/>, in reading order (top to bottom, left to right).</summary>
    /// <exception cref="InferenceException">A model failed or returned tensors of an unexpected shape.</exception>
    public IReadOnlyList<TextLine> Read(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        _boxes.Clear();
        Detect(image);
        if (_boxes.Count == 0)
        {
            return [];
        }

        ReadingOrder.Sort(_boxes);
        var lines = new List<TextLine>(_boxes.Count);
        foreach (var box in _boxes)
        {
            var (text, score) = Recognize(image, box);
            if (score >= Options.DropScore && text.Length > 0)
            {
                lines.Add(new TextLine(text, score, box.ToArray()));
            }
        }

        return lines;
    }

    private void Detect(RgbImage image)
    {
        var (width, height) = DetectionInput.ResizedSize(image.Width, image.Height, Options.LimitSideLength);
        _detShape[0] = 1;
        _detShape[1] = 3;
        _detShape[2] = height;
        _detShape[3] = width;
        var input = _detector.Input<float>(0, _detShape);
        DetectionInput.Write(image, width, height, Scratch(width * height * 3), input);
        _detector.Run();

        var shape = _detector.OutputShape(0);
        if (shape.Length != 4 || shape[0] != 1 || shape[1] != 1 || shape[2] != height || shape[3] != width)
        {
            throw new InferenceException(
                $"model '{_detector.Entry.Name}' returned a map of shape [{string.Join(',', shape.ToArray())}]; expected [1,1,{height},{width}]");
        }

        _postProcessor.Process(_detector.Output<float>(0), width, height, image.Width, image.Height, _boxes);
    }

    private (string Text, float Score) Recognize(RgbImage image, Quad box)
    {
        var (cropWidth, cropHeight, rotated) = RecognitionInput.CropSize(box);
        if (cropWidth < 1 || cropHeight < 1)
        {
            return (string.Empty, 0f);
        }

        var (tensorWidth, textWidth) = RecognitionInput.Widths(cropWidth, cropHeight);
        var pixels = Scratch(textWidth * RecognitionInput.Height * 3);
        var map = RecognitionInput.CropToSource(box, cropWidth, cropHeight, rotated, textWidth);
        ImageSampler.Sample(image, map, textWidth, RecognitionInput.Height, pixels);

        _recShape[0] = 1;
        _recShape[1] = 3;
        _recShape[2] = RecognitionInput.Height;
        _recShape[3] = tensorWidth;
        RecognitionInput.Normalise(pixels, textWidth, tensorWidth, _recognizer.Input<float>(0, _recShape));
        _recognizer.Run();

        var shape = _recognizer.OutputShape(0);
        if (shape.Length != 3 || shape[0] != 1 || shape[2] != _decoder.ClassCount)
        {
            throw new InferenceException(
                $"model '{_recognizer.Entry.Name}' returned shape [{string.Join(',', shape.ToArray())}]; expected [1,T,{_decoder.ClassCount}] (blank + dictionary + space)");
        }

        return _decoder.Decode(_recognizer.Output<float>(0), (int)shape[1]);
    }

    private Span<byte> Scratch(int length)
    {
        if (_pixels.Length < length)
        {
            _pixels = new byte[length];
        }

        return _pixels.AsSpan(0, length);
    }
}
