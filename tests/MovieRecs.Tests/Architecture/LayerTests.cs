using System.Reflection;
using System.Reflection.Emit;

namespace MovieRecs.Tests.Architecture;

/// <summary>
/// Keeps the library's layers pointing one way (docs/architecture.md): every type of a namespace may name types of
/// its own namespace and of lower layers only. References are read from the compiled assembly: base types,
/// interfaces, fields, signatures, locals, attributes and every type, field and method a method body's IL names.
/// </summary>
public class LayerTests
{
    /// <summary>The layers, lowest first. Namespaces in one layer are peers and may not name each other.</summary>
    internal static readonly string[][] Layers =
    [
        ["MovieRecs.Recommendations"],
        ["MovieRecs.Internal"],
        ["MovieRecs"],
        ["MovieRecs.Sparse"],
        ["MovieRecs.Als", "MovieRecs.Neighbors"],
        ["MovieRecs.Bpr", "MovieRecs.LogisticMf"],
        ["MovieRecs.Persistence", "MovieRecs.Evaluation"],
        ["MovieRecs.MovieLens"],
    ];

    private static readonly Assembly Library = typeof(IdIndex).Assembly;

    [Fact]
    public void Library_EveryTypeNamesOnlyItsOwnAndLowerLayers()
    {
        var violations = FindBackwardReferences(Library, Layers);

        Assert.True(violations.Count == 0,
            "Backward references between layers (see docs/architecture.md):\n" + string.Join('\n', violations));
    }

    [Fact]
    public void Library_EveryNamespaceHasALayer()
    {
        var layered = Layers.SelectMany(layer => layer).ToHashSet(StringComparer.Ordinal);
        var missing = Library.GetTypes()
            .Select(type => type.Namespace)
            .Where(ns => ns is not null && IsLibraryNamespace(ns) && !layered.Contains(ns))
            .Distinct()
            .ToList();

        Assert.True(missing.Count == 0, "Namespaces without a layer in LayerTests.Layers: " + string.Join(", ", missing));
    }

    [Fact]
    public void FindBackwardReferences_SharedResultTypesPutOnTop_ReportsTheModelsThatReturnThem()
    {
        // The same assembly against a table turned upside down for one namespace: the models' signatures name it.
        var layers = Layers.Where(layer => layer[0] != "MovieRecs.Recommendations").Append(["MovieRecs.Recommendations"]).ToArray();

        var violations = FindBackwardReferences(Library, layers);

        Assert.Contains(violations, v => v.StartsWith("MovieRecs.Als.AlsModel -> MovieRecs.Recommendations.ScoredItem", StringComparison.Ordinal));
    }

    [Fact]
    public void FindBackwardReferences_ReferenceOnlyInAMethodBody_IsReported()
    {
        // IdIndex<TKey> names ThrowHelper only inside method bodies (calls), never in a signature or field.
        var layers = Layers.Where(layer => layer[0] != "MovieRecs.Internal").Append(["MovieRecs.Internal"]).ToArray();

        var violations = FindBackwardReferences(Library, layers);

        Assert.Contains(violations, v => v.StartsWith("MovieRecs.IdIndex`1 -> MovieRecs.Internal.ThrowHelper", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every reference from a type of <paramref name="assembly"/> to a type of the same assembly in a namespace of
    /// the same or a higher layer (other than its own namespace), one line each: source, target and where.
    /// </summary>
    internal static List<string> FindBackwardReferences(Assembly assembly, string[][] layers)
    {
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < layers.Length; i++)
        {
            foreach (var ns in layers[i])
            {
                rank.Add(ns, i);
            }
        }

        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            if (type.Namespace is not { } source || !IsLibraryNamespace(source))
            {
                continue;
            }

            foreach (var (target, where) in References(type))
            {
                if (target.Assembly != assembly || target.Namespace is not { } targetNamespace
                    || !IsLibraryNamespace(targetNamespace) || targetNamespace == source)
                {
                    continue;
                }

                var sourceRank = rank.GetValueOrDefault(source, -1);
                var targetRank = rank.GetValueOrDefault(targetNamespace, int.MaxValue);
                if (targetRank >= sourceRank)
                {
                    violations.Add($"{Name(type)} -> {Name(target)} ({where}): {source} may not name {targetNamespace}");
                }
            }
        }

        return [.. violations];
    }

    private static bool IsLibraryNamespace(string ns) => ns == "MovieRecs" || ns.StartsWith("MovieRecs.", StringComparison.Ordinal);

    private static string Name(Type type) => (type.IsGenericType ? type.GetGenericTypeDefinition() : type).FullName ?? type.Name;

    /// <summary>Every type <paramref name="type"/> names, with where it names it.</summary>
    private static IEnumerable<(Type Target, string Where)> References(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new List<(Type, string)>();
        void Add(Type? t, string where)
        {
            foreach (var part in Unwrap(t))
            {
                found.Add((part, where));
            }
        }

        Add(type.BaseType, "base type");
        foreach (var face in type.GetInterfaces())
        {
            Add(face, "interface");
        }

        foreach (var attribute in type.CustomAttributes)
        {
            Add(attribute.AttributeType, "attribute");
        }

        foreach (var field in type.GetFields(All))
        {
            Add(field.FieldType, $"field {field.Name}");
        }

        foreach (var property in type.GetProperties(All))
        {
            Add(property.PropertyType, $"property {property.Name}");
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            var where = $"in {method.Name}";
            if (method is MethodInfo info)
            {
                Add(info.ReturnType, where);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType, where);
            }

            var body = method.GetMethodBody();
            if (body is null)
            {
                continue;
            }

            foreach (var local in body.LocalVariables)
            {
                Add(local.LocalType, where);
            }

            foreach (var member in IlMembers(method, body))
            {
                switch (member)
                {
                    case Type named:
                        Add(named, where);
                        break;
                    case FieldInfo field:
                        Add(field.DeclaringType, where);
                        Add(field.FieldType, where);
                        break;
                    case MethodBase called:
                        Add(called.DeclaringType, where);
                        if (called is MethodInfo calledInfo)
                        {
                            Add(calledInfo.ReturnType, where);
                            foreach (var argument in calledInfo.IsGenericMethod ? calledInfo.GetGenericArguments() : [])
                            {
                                Add(argument, where);
                            }
                        }

                        foreach (var parameter in called.GetParameters())
                        {
                            Add(parameter.ParameterType, where);
                        }

                        break;
                }
            }
        }

        return found;
    }

    /// <summary>A type and everything it is built from: element types, generic definitions and arguments.</summary>
    private static IEnumerable<Type> Unwrap(Type? type)
    {
        if (type is null || type.IsGenericParameter)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var inner in Unwrap(type.GetElementType()))
            {
                yield return inner;
            }

            yield break;
        }

        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            yield return type.GetGenericTypeDefinition();
            foreach (var argument in type.GetGenericArguments())
            {
                foreach (var inner in Unwrap(argument))
                {
                    yield return inner;
                }
            }

            yield break;
        }

        yield return type;
    }

    private static readonly OpCode[] OneByteOpCodes = new OpCode[256];
    private static readonly OpCode[] TwoByteOpCodes = new OpCode[256];

#pragma warning disable CA1810 // The tables are filled from OpCodes' fields; an initializer per entry would be unreadable.
    static LayerTests()
#pragma warning restore CA1810
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            var value = (ushort)code.Value;
            if (code.Size == 1)
            {
                OneByteOpCodes[value] = code;
            }
            else
            {
                TwoByteOpCodes[value & 0xFF] = code;
            }
        }
    }

    /// <summary>The types, fields and methods that <paramref name="method"/>'s IL names (by token).</summary>
    internal static IEnumerable<MemberInfo> IlMembers(MethodBase method, MethodBody body)
    {
        var il = body.GetILAsByteArray() ?? [];
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
        var position = 0;
        while (position < il.Length)
        {
            OpCode code;
            if (il[position] == 0xFE)
            {
                code = TwoByteOpCodes[il[position + 1]];
                position += 2;
            }
            else
            {
                code = OneByteOpCodes[il[position]];
                position++;
            }

            switch (code.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    yield return method.Module.ResolveMember(BitConverter.ToInt32(il, position), typeArguments, methodArguments)!;
                    position += 4;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    position += 8;
                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (4 * BitConverter.ToInt32(il, position));
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }
}
