using System.Reflection;
using System.Text;

namespace MovieRecs.Tests.PublicApi;

/// <summary>
/// Tracks the package's public API: the surface is listed from the compiled assembly and compared with the
/// approved listing committed beside this file, so an accidental breaking change (or an unreviewed addition)
/// fails the build. To approve a deliberate change, run the tests with MOVIERECS_APPROVE_API=1 and commit the file.
/// </summary>
public class PublicApiTests
{
    private const string ApprovedFile = "MovieRecs.approved.txt";

    [Fact]
    public void PublicApi_MatchesApprovedListing()
    {
        var actual = Describe(typeof(IdIndex).Assembly);
        var path = Path.Combine(TestData.RepositoryRoot, "tests", "MovieRecs.Tests", "PublicApi", ApprovedFile);
        if (Environment.GetEnvironmentVariable("MOVIERECS_APPROVE_API") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"{ApprovedFile} is missing; run the tests with MOVIERECS_APPROVE_API=1 to create it.");
        var approved = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (approved != actual)
        {
            var approvedLines = approved.Split('\n').ToHashSet();
            var actualLines = actual.Split('\n').ToHashSet();
            var removed = approvedLines.Except(actualLines).Take(20);
            var added = actualLines.Except(approvedLines).Take(20);
            Assert.Fail(
                "The public API changed. Removed:\n  " + string.Join("\n  ", removed) +
                "\nAdded:\n  " + string.Join("\n  ", added) +
                "\nIf this is deliberate, rerun the tests with MOVIERECS_APPROVE_API=1 and commit " + ApprovedFile + ".");
        }
    }

    [Fact]
    public void PublicTypes_AreInMovieRecsNamespaces_AndDocumented()
    {
        var types = typeof(IdIndex).Assembly.GetExportedTypes();
        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.StartsWith("MovieRecs", t.Namespace, StringComparison.Ordinal));
        var xml = Path.ChangeExtension(typeof(IdIndex).Assembly.Location, ".xml");
        Assert.True(File.Exists(xml), "the XML documentation file ships beside the assembly");
        var docs = File.ReadAllText(xml);
        Assert.All(types, t => Assert.Contains($"\"T:{t.FullName}\"", docs, StringComparison.Ordinal));
    }

    internal static string Describe(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var members = new List<string>();
            var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";
            var baseType = type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) ? " : " + Name(b) : string.Empty;
            lines.Add($"{kind} {Name(type)}{baseType}");
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags))
            {
                var text = member switch
                {
                    ConstructorInfo c => $"ctor({Parameters(c)})",
                    MethodInfo m when !m.IsSpecialName => $"{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}{Generic(m)}({Parameters(m)})",
                    PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : string.Empty)}{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : string.Empty)}{(p.SetMethod?.IsPublic == true ? (IsInit(p) ? "init; " : "set; ") : string.Empty)}}}",
                    FieldInfo f => $"{(f.IsStatic ? "static " : string.Empty)}{(f.IsLiteral ? "const " : string.Empty)}{Name(f.FieldType)} {f.Name}",
                    EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
                    _ => null,
                };
                if (text is not null)
                {
                    members.Add("  " + text);
                }
            }

            members.Sort(StringComparer.Ordinal);
            lines.AddRange(members);
        }

        return string.Join("\n", lines) + "\n";
    }

    private static bool IsInit(PropertyInfo p) =>
        p.SetMethod!.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    private static string Generic(MethodInfo m) =>
        m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;

    private static string Parameters(MethodBase m) =>
        string.Join(", ", m.GetParameters().Select(p =>
            (p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : string.Empty) + Name(p.ParameterType) + " " + p.Name + (p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)));

    private static string Name(Type t)
    {
        if (t.IsByRef)
        {
            return Name(t.GetElementType()!);
        }

        if (t.IsArray)
        {
            return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        }

        if (t.IsGenericParameter)
        {
            return t.Name;
        }

        var name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is null ? t.Name : t.Namespace + "." + t.Name);
        if (!t.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        var builder = new StringBuilder(tick >= 0 ? name[..tick] : name);
        builder.Append('<').Append(string.Join(", ", t.GetGenericArguments().Select(Name))).Append('>');
        return builder.ToString();
    }
}
