using System.Reflection;
using System.Text;

namespace NodeHttp.Tests;

/// <summary>
/// Pins the public surface in docs/api.txt. To accept a deliberate change, run the tests with
/// NODEHTTP_UPDATE_API=1 and commit the regenerated file.
/// </summary>
public class ApiSurfaceTests
{
    [Fact]
    public void PublicSurfaceMatchesDocsApiTxt()
    {
        string actual = ApiListing.Generate(typeof(NodeBuffer).Assembly);
        string path = Path.Combine(RepoPaths.Root, "docs", "api.txt");
        if (Environment.GetEnvironmentVariable("NODEHTTP_UPDATE_API") == "1")
        {
            File.WriteAllText(path, actual);
        }
        string expected = File.Exists(path) ? File.ReadAllText(path) : "";
        Assert.True(expected == actual,
            "docs/api.txt is out of date; rerun with NODEHTTP_UPDATE_API=1 to regenerate. First difference near: "
            + FirstDifference(expected, actual));
    }

    private static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<end>";
            string al = i < a.Length ? a[i] : "<end>";
            if (el != al)
            {
                return $"line {i + 1}: expected `{el}`, actual `{al}`";
            }
        }
        return "(none)";
    }
}

/// <summary>Renders an assembly's public types and members as sorted, stable text.</summary>
internal static class ApiListing
{
    public static string Generate(Assembly assembly)
    {
        var sb = new StringBuilder();
        // Extension blocks also emit public types with unspeakable names; their members are listed as the static methods.
        foreach (Type type in assembly.GetExportedTypes().Where(t => !t.FullName!.Contains("+<", StringComparison.Ordinal)).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(TypeHeader(type)).Append('\n');
            var lines = new List<string>();
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (MemberInfo m in type.GetMembers(flags))
            {
                string? line = Member(m);
                if (line is not null)
                {
                    lines.Add("  " + line);
                }
            }
            foreach (MemberInfo m in type.GetMembers(BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (m is MethodBase mb && (mb.IsFamily || mb.IsFamilyOrAssembly) && !type.IsSealed)
                {
                    string? line = Member(m);
                    if (line is not null)
                    {
                        lines.Add("  protected " + line);
                    }
                }
            }
            lines.Sort(StringComparer.Ordinal);
            foreach (string l in lines)
            {
                sb.Append(l).Append('\n');
            }
        }
        return sb.ToString();
    }

    private static string TypeHeader(Type t)
    {
        string kind = t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct"
            : typeof(Delegate).IsAssignableFrom(t) ? "delegate" : t.IsAbstract && t.IsSealed ? "static class"
            : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && !typeof(Delegate).IsAssignableFrom(t))
        {
            bases.Add(Name(b));
        }
        bases.AddRange(t.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).OrderBy(n => n, StringComparer.Ordinal));
        return $"{kind} {Name(t)}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : "");
    }

    private static string? Member(MemberInfo m)
    {
        switch (m)
        {
            case ConstructorInfo c:
                return $"{(c.IsStatic ? "static " : "")}.ctor({Params(c)})";
            case MethodInfo mi when !mi.IsSpecialName || mi.Name.StartsWith("op_", StringComparison.Ordinal):
                string generic = mi.IsGenericMethod ? "<" + string.Join(", ", mi.GetGenericArguments().Select(a => a.Name)) + ">" : "";
                string mods = (mi.IsStatic ? "static " : "") + (mi.IsAbstract ? "abstract " : mi.IsVirtual && !mi.IsFinal && mi.GetBaseDefinition() == mi ? "virtual " : mi.GetBaseDefinition() != mi ? "override " : "");
                return $"{mods}{Name(mi.ReturnType)} {mi.Name}{generic}({Params(mi)})";
            case PropertyInfo p:
                var acc = new List<string>();
                if (p.GetMethod is { } g && (g.IsPublic || g.IsFamily)) acc.Add("get;");
                if (p.SetMethod is { } s && (s.IsPublic || s.IsFamily)) acc.Add(s.ReturnParameter.GetRequiredCustomModifiers().Any(x => x.Name == "IsExternalInit") ? "init;" : "set;");
                string stat = (p.GetMethod ?? p.SetMethod)!.IsStatic ? "static " : "";
                string idx = p.GetIndexParameters().Length > 0 ? "this[" + string.Join(", ", p.GetIndexParameters().Select(x => Name(x.ParameterType) + " " + x.Name)) + "]" : p.Name;
                return $"{stat}{Name(p.PropertyType)} {idx} {{ {string.Join(" ", acc)} }}";
            case FieldInfo f when !f.IsSpecialName:
                string fm = f.IsLiteral ? "const " : (f.IsStatic ? "static " : "") + (f.IsInitOnly ? "readonly " : "");
                string val = f.IsLiteral ? " = " + Convert.ToString(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture) : "";
                return $"{fm}{Name(f.FieldType)} {f.Name}{val}";
            case EventInfo e:
                return $"event {Name(e.EventHandlerType!)} {e.Name}";
            default:
                return null;
        }
    }

    private static string Params(MethodBase m) => string.Join(", ", m.GetParameters().Select(p =>
        (p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : "") + (p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")
        + Name(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType) + " " + p.Name
        + (p.HasDefaultValue ? " = " + (p.DefaultValue is string s ? "\"" + s + "\"" : p.DefaultValue is null ? "null" : Convert.ToString(p.DefaultValue, System.Globalization.CultureInfo.InvariantCulture)) : "")));

    private static string Name(Type t)
    {
        if (t.IsGenericParameter) return t.Name;
        if (t.IsArray) return Name(t.GetElementType()!) + "[]";
        if (Nullable.GetUnderlyingType(t) is { } u) return Name(u) + "?";
        string name = t.IsNested ? Name(t.DeclaringType!) + "." + t.Name : (t.Namespace is "NodeHttp" ? t.Name : t.FullName ?? t.Name);
        if (t.IsGenericType)
        {
            int tick = name.IndexOf('`', StringComparison.Ordinal);
            if (tick >= 0) name = name[..tick];
            name += "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">";
        }
        return name;
    }
}
