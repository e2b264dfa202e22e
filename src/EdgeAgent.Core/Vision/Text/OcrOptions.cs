namespace EdgeAgent.Core.Vision.Text;

/// <summary>
/// Tuning of <see cref="OcrReader"/>. The defaults are PaddleOCR's own for PP-OCRv4
/// (tools/infer/utility.py init_args and tools/infer/predict_det.py TextDetector).
/// </summary>
public sealed record OcrOptions
{
    /// <summary>The detector's input is shrunk so its long side is at most this (det_limit_side_len 960, det_limit_type "max").</summary>
    public int LimitSideLength { get; init; } = 960;

    /// <summary>Probability-map pixels above this are text (det_db_thresh 0.3).</summary>
    public float BinaryThreshold { get; init; } = 0.3f;

    /// <summary>A region is kept when the mean probability inside its rectangle is at least this (det_db_box_thresh 0.6).</summary>
    public float BoxThreshold { get; init; } = 0.6f;

    /// <summary>How far a region's rectangle is grown: area × ratio / perimeter (det_db_unclip_ratio 1.5).</summary>
    public float UnclipRatio { get; init; } = 1.5f;

    /// <summary>At most this many regions are considered per image (predict_det.py: max_candidates 1000).</summary>
    public int MaxCandidates { get; init; } = 1000;

    /// <summary>Lines whose recognition score is below this are dropped (drop_score 0.5).</summary>
    public float DropScore { get; init; } = 0.5f;

    /// <summary>Throws naming the first setting outside its range.</summary>
    public void Validate()
    {
        if (LimitSideLength < 32)
        {
            throw new ArgumentOutOfRangeException(nameof(LimitSideLength), LimitSideLength, "must be at least 32 (the detector works on multiples of 32)");
        }

        CheckUnit(BinaryThreshold, nameof(BinaryThreshold));
        CheckUnit(BoxThreshold, nameof(BoxThreshold));
        CheckUnit(DropScore, nameof(DropScore));
        if (!(UnclipRatio >= 0 && UnclipRatio <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(UnclipRatio), UnclipRatio, "must be between 0 and 10");
        }

        if (MaxCandidates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCandidates), MaxCandidates, "must be at least 1");
        }
    }

    private static void CheckUnit(float value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be between 0 and 1");
        }
    }
}
