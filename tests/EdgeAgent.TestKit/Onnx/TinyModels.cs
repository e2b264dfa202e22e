using EdgeAgent.Contracts.Catalog;
using EdgeAgent.TestKit.Onnx.Proto;
using Google.Protobuf;

namespace EdgeAgent.TestKit.Onnx;

/// <summary>
/// Tiny ONNX models generated in code (IR version 8, opset 13), byte-identical on every run so their SHA-256 can be
/// pinned in a catalog. Their weights are public so a test can compute the expected output by hand.
/// </summary>
public static class TinyModels
{
    /// <summary>The made-up npm package every tiny model's catalog entry points at.</summary>
    public const string Package = "@edgeagent-test/tiny-models";

    public const string PackageVersion = "1.0.0";

    public const long IrVersion = 8;

    public const long Opset = 13;

    /// <summary>The <c>dim_param</c> written for a symbolic batch dimension.</summary>
    public const string BatchParam = "N";

    private const string Producer = "EdgeAgent.TestKit";

    private static readonly float[] MlpW =
    [
        0.50f, -0.20f, 0.10f,
        0.30f, 0.80f, -0.50f,
        -0.60f, 0.40f, 0.20f,
        0.10f, -0.30f, 0.70f,
    ];

    private static readonly float[] MlpB = [0.10f, -0.10f, 0.05f];

    private static readonly float[] ConvW = [0.1f, 0.2f, -0.3f, 0.4f, -0.5f, 0.6f, -0.7f, 0.8f, 0.9f];

    /// <summary>MLP weight W, shape [4,3], row-major: <c>W[i,j] = MlpWeights[i * 3 + j]</c>.</summary>
    public static IReadOnlyList<float> MlpWeights => MlpW.AsReadOnly();

    /// <summary>MLP bias B, shape [3].</summary>
    public static IReadOnlyList<float> MlpBias => MlpB.AsReadOnly();

    /// <summary>Conv kernel, shape [1,1,3,3], row-major: <c>K[r,c] = ConvKernel[r * 3 + c]</c>.</summary>
    public static IReadOnlyList<float> ConvKernel => ConvW.AsReadOnly();

    /// <summary>Conv bias, shape [1].</summary>
    public static float ConvBias => -0.25f;

    /// <summary><c>tiny-mlp</c>: x float32[1,4] → MatMul W[4,3] → Add B[3] → Softmax(axis=-1) → y float32[1,3].</summary>
    public static TinyModel Mlp() => MlpVariant("tiny-mlp");

    /// <summary><c>tiny-mlp-dynamic</c>: <see cref="Mlp"/> with the batch dimension symbolic (N): x [N,4] → y [N,3].</summary>
    public static TinyModel DynamicBatch() => MlpVariant("tiny-mlp-dynamic", symbolicBatch: true);

    /// <summary>
    /// <c>tiny-conv</c>: image float32[1,1,5,5] → Conv(3x3 <see cref="ConvKernel"/>, <see cref="ConvBias"/>, no
    /// padding, stride 1) → Relu → features float32[1,1,3,3].
    /// </summary>
    public static TinyModel Conv()
    {
        var graph = new GraphProto
        {
            Name = "tiny_conv",
            Node =
            {
                Node("Conv", "conv", ["image", "K", "C"], ["conv_out"], Ints("kernel_shape", 3, 3)),
                Node("Relu", "relu", ["conv_out"], ["features"]),
            },
            Initializer =
            {
                FloatTensor("K", [1, 1, 3, 3], ConvW),
                FloatTensor("C", [1], [ConvBias]),
            },
        };
        var inputs = new[] { Spec("image", "float32", 1, 1, 5, 5) };
        var outputs = new[] { Spec("features", "float32", 1, 1, 3, 3) };
        return Build("tiny-conv", graph, inputs, outputs);
    }

    /// <summary>
    /// The MLP with a different input: another name, another element type (anything but <c>float32</c> is fed through
    /// a <c>Cast</c> to float), or a symbolic batch. For signature-mismatch tests; the output stays <c>y</c> float32.
    /// </summary>
    /// <param name="name">Catalog name of the variant (lower-case letters, digits and '-').</param>
    /// <param name="inputName">Name of the graph input.</param>
    /// <param name="inputType">Element type in the catalog's spelling (<c>float32</c>, <c>int64</c>, ...); not <c>string</c>.</param>
    /// <param name="symbolicBatch">Make the first dimension of input and output the symbolic <see cref="BatchParam"/>.</param>
    /// <param name="weights">W [4,3] instead of <see cref="MlpWeights"/> (same signature, other weights: another version).</param>
    /// <param name="bias">B [3] instead of <see cref="MlpBias"/>.</param>
    public static TinyModel MlpVariant(string name, string inputName = "x", string inputType = "float32", bool symbolicBatch = false, float[]? weights = null, float[]? bias = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputName);
        var elemType = DataTypeOf(inputType);
        var batch = symbolicBatch ? -1L : 1L;

        var graph = new GraphProto { Name = "tiny_mlp" };
        var matmulInput = inputName;
        if (elemType != TensorProto.Types.DataType.Float)
        {
            matmulInput = "x_float";
            graph.Node.Add(Node("Cast", "cast", [inputName], [matmulInput], Int("to", (long)TensorProto.Types.DataType.Float)));
        }

        graph.Node.Add(Node("MatMul", "matmul", [matmulInput, "W"], ["xw"]));
        graph.Node.Add(Node("Add", "add", ["xw", "B"], ["logits"]));
        graph.Node.Add(Node("Softmax", "softmax", ["logits"], ["y"], Int("axis", -1)));
        graph.Initializer.Add(FloatTensor("W", [4, 3], weights ?? MlpW));
        graph.Initializer.Add(FloatTensor("B", [3], bias ?? MlpB));

        var inputs = new[] { Spec(inputName, inputType, batch, 4) };
        var outputs = new[] { Spec("y", "float32", batch, 3) };
        return Build(name, graph, inputs, outputs);
    }

    /// <summary>
    /// <c>tiny-nonzero</c>: x float32[4] → NonZero → indices int64[1,N]: an output whose shape depends on the input's
    /// values, not only on its shape.
    /// </summary>
    public static TinyModel NonZero()
    {
        var graph = new GraphProto { Name = "tiny_nonzero", Node = { Node("NonZero", "nonzero", ["x"], ["indices"]) } };
        return Build("tiny-nonzero", graph, [Spec("x", "float32", 4)], [Spec("indices", "int64", 1, -1)]);
    }

    /// <summary>
    /// <c>tiny-mlp</c>'s signature (x float32[1,4] → y float32[1,3]) with more work per call: x → MatMul [4,K] → K×K MatMul
    /// <paramref name="rounds"/> times (the matrix averages, so values stay bounded) → MatMul [K,3] → Add B → Softmax → y.
    /// Named <paramref name="name"/> in the catalog sense of "another version of the same model". The default size takes
    /// 16-40 ms a call here, far past probation's 0.5 ms allowance plus 1.5 × the tiny model's p95 under CI load (at 512 ×
    /// 32 it took 0.58 ms and once passed probation in CI).
    /// </summary>
    public static TinyModel SlowMlp(string name = "tiny-mlp", int width = 1024, int rounds = 128)
    {
        var graph = new GraphProto { Name = "tiny_mlp_slow" };
        var up = new float[4 * width];
        for (var i = 0; i < up.Length; i++)
        {
            up[i] = MlpW[(i / width * 3) + (i % 3)];
        }

        var mix = Enumerable.Repeat(1f / width, width * width).ToArray();
        var down = new float[width * 3];
        for (var i = 0; i < down.Length; i++)
        {
            down[i] = 1f / width;
        }

        graph.Node.Add(Node("MatMul", "up", ["x", "U"], ["h0"]));
        for (var r = 0; r < rounds; r++)
        {
            graph.Node.Add(Node("MatMul", $"mix{r}", [$"h{r}", "M"], [$"h{r + 1}"]));
        }

        graph.Node.Add(Node("MatMul", "down", [$"h{rounds}", "D"], ["xw"]));
        graph.Node.Add(Node("Add", "add", ["xw", "B"], ["logits"]));
        graph.Node.Add(Node("Softmax", "softmax", ["logits"], ["y"], Int("axis", -1)));
        graph.Initializer.Add(FloatTensor("U", [4, width], up));
        graph.Initializer.Add(FloatTensor("M", [width, width], mix));
        graph.Initializer.Add(FloatTensor("D", [width, 3], down));
        graph.Initializer.Add(FloatTensor("B", [3], MlpB));
        return Build(name, graph, [Spec("x", "float32", 1, 4)], [Spec("y", "float32", 1, 3)]);
    }

    /// <summary>
    /// <c>tiny-mlp</c>'s signature and outputs, but it fails at run time on some inputs: every x value is also used as an
    /// index (Cast to int64) into a Gather over a [<paramref name="bound"/>,3] table of zeros that is added to the logits,
    /// so an x of <paramref name="bound"/> or more (or below −<paramref name="bound"/>) is an index out of range, which
    /// ONNX Runtime refuses. Inputs in (−bound, bound) give exactly <see cref="Mlp"/>'s output.
    /// </summary>
    public static TinyModel FlakyMlp(string name = "tiny-mlp", int bound = 8)
    {
        var graph = new GraphProto { Name = "tiny_mlp_flaky" };
        graph.Node.Add(Node("MatMul", "matmul", ["x", "W"], ["xw"]));
        graph.Node.Add(Node("Add", "add", ["xw", "B"], ["logits0"]));
        graph.Node.Add(Node("Cast", "index", ["x"], ["idx"], Int("to", (long)TensorProto.Types.DataType.Int64)));
        graph.Node.Add(Node("Gather", "gather", ["T", "idx"], ["picked"], Int("axis", 0)));
        graph.Node.Add(Node("ReduceSum", "sum", ["picked", "axes"], ["extra"], Int("keepdims", 0)));
        graph.Node.Add(Node("Add", "add_extra", ["logits0", "extra"], ["logits"]));
        graph.Node.Add(Node("Softmax", "softmax", ["logits"], ["y"], Int("axis", -1)));
        graph.Initializer.Add(FloatTensor("W", [4, 3], MlpW));
        graph.Initializer.Add(FloatTensor("B", [3], MlpB));
        graph.Initializer.Add(FloatTensor("T", [bound, 3], new float[bound * 3]));
        graph.Initializer.Add(new TensorProto { Name = "axes", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 1 }, Int64Data = { 1 } });
        return Build(name, graph, [Spec("x", "float32", 1, 4)], [Spec("y", "float32", 1, 3)]);
    }

    /// <summary>Every standard tiny model: <see cref="Mlp"/>, <see cref="Conv"/>, <see cref="DynamicBatch"/>.</summary>
    public static IReadOnlyList<TinyModel> All() => [Mlp(), Conv(), DynamicBatch()];

    /// <summary>A catalog (schema 1) of the given models' entries.</summary>
    public static ModelCatalog Catalog(params IEnumerable<TinyModel> models) => new()
    {
        Schema = ModelCatalog.CurrentSchema,
        Models = [.. models.Select(m => m.ToCatalogEntry())],
    };

    private static TinyModel Build(string name, GraphProto graph, TensorSpec[] inputs, TensorSpec[] outputs)
    {
        graph.Input.AddRange(inputs.Select(ValueInfo));
        graph.Output.AddRange(outputs.Select(ValueInfo));
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = Producer,
            Graph = graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
        };
        return new TinyModel(name, model.ToByteArray(), inputs, outputs);
    }

    private static TensorSpec Spec(string name, string type, params long[] shape) =>
        new() { Name = name, Type = type, Shape = shape };

    private static ValueInfoProto ValueInfo(TensorSpec spec)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(spec.Shape.Select(d => d < 0
            ? new TensorShapeProto.Types.Dimension { DimParam = BatchParam }
            : new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto
        {
            Name = spec.Name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataTypeOf(spec.Type), Shape = shape },
            },
        };
    }

    private static NodeProto Node(string opType, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    private static TensorProto FloatTensor(string name, long[] dims, float[] values)
    {
        if (dims.Aggregate(1L, (a, d) => a * d) != values.Length)
        {
            throw new ArgumentException($"tensor {name}: {values.Length} values do not fill shape [{string.Join(',', dims)}]", nameof(values));
        }

        return new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            Dims = { dims },
            FloatData = { values },
        };
    }

    private static TensorProto.Types.DataType DataTypeOf(string catalogType) => catalogType switch
    {
        "float32" => TensorProto.Types.DataType.Float,
        "float16" => TensorProto.Types.DataType.Float16,
        "bfloat16" => TensorProto.Types.DataType.Bfloat16,
        "float64" => TensorProto.Types.DataType.Double,
        "int8" => TensorProto.Types.DataType.Int8,
        "uint8" => TensorProto.Types.DataType.Uint8,
        "int16" => TensorProto.Types.DataType.Int16,
        "uint16" => TensorProto.Types.DataType.Uint16,
        "int32" => TensorProto.Types.DataType.Int32,
        "uint32" => TensorProto.Types.DataType.Uint32,
        "int64" => TensorProto.Types.DataType.Int64,
        "uint64" => TensorProto.Types.DataType.Uint64,
        "bool" => TensorProto.Types.DataType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(catalogType), catalogType,
            "not a numeric element type; use one of float32, float16, bfloat16, float64, int8, uint8, int16, uint16, int32, uint32, int64, uint64, bool"),
    };
}
