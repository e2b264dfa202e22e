using System.Globalization;
using System.Reflection;
using EdgeAgent.Firmware.Link;

namespace EdgeAgent.Firmware.Tests.Support;

/// <summary>Every message class of the protocol, found by reflection, so a new type is covered by every test here.</summary>
internal static class Messages
{
    public static IReadOnlyList<Type> Classes { get; } = typeof(Message).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Message)) && !t.IsAbstract)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .ToList();

    public static Type ClassNamed(string name) =>
        Classes.SingleOrDefault(t => t.Name == name) ?? throw new ArgumentException($"no message class named {name}");

    public static ConstructorInfo Constructor(Type type) => type.GetConstructors().Single();

    /// <summary>A message of <paramref name="type"/> with every field random (enums: one of their named values).</summary>
    public static Message Random(Type type, Random random)
    {
        var arguments = Constructor(type).GetParameters().Select(p => RandomValue(p.ParameterType, random)).ToArray();
        return (Message)Constructor(type).Invoke(arguments);
    }

    public static Message Random(Random random) => Random(Classes[random.Next(Classes.Count)], random);

    /// <summary>A message from its class name and constructor arguments by name (PROTOCOL.md's "message:" lines).</summary>
    public static Message Create(string className, IReadOnlyDictionary<string, string> values)
    {
        var type = ClassNamed(className);
        var parameters = Constructor(type).GetParameters();
        var unknown = values.Keys.Where(k => !parameters.Any(p => string.Equals(p.Name, k, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(unknown.Count == 0, $"{className} has no field(s) {string.Join(", ", unknown)}");
        var arguments = parameters.Select(p =>
        {
            var key = values.Keys.FirstOrDefault(k => string.Equals(k, p.Name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"{className} needs {p.Name}");
            return Parse(p.ParameterType, values[key]);
        }).ToArray();
        return (Message)Constructor(type).Invoke(arguments);
    }

    /// <summary>Every readable property of a message as text, for comparing two messages field by field.</summary>
    public static string Describe(Message message) =>
        message.GetType().Name + " " + string.Join(" ", message.GetType().GetProperties()
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={Convert.ToString(p.GetValue(message), CultureInfo.InvariantCulture)}"));

    private static object RandomValue(Type type, Random random)
    {
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(random.Next(values.Length))!;
        }

        var bytes = new byte[8];
        random.NextBytes(bytes);
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Byte => (object)bytes[0],
            TypeCode.Int16 => (object)BitConverter.ToInt16(bytes),
            TypeCode.UInt16 => (object)BitConverter.ToUInt16(bytes),
            TypeCode.UInt32 => (object)BitConverter.ToUInt32(bytes),
            TypeCode.Int64 => (object)BitConverter.ToInt64(bytes),
            _ => throw new NotSupportedException($"no random {type.Name}: add it here"),
        };
    }

    private static object Parse(Type type, string text)
    {
        if (type.IsEnum)
        {
            return Enum.Parse(type, text, ignoreCase: false);
        }

        var value = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
        return Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
    }
}
