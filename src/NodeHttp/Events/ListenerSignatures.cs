using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text;

namespace NodeHttp;

/// <summary>
/// The slow path of <see cref="EventEmitter"/> dispatch: a listener whose delegate type is not directly the
/// emit's (a value type passed to an <c>object</c> parameter, an untyped <c>Emit(params object?[])</c>, a
/// static type wider than the runtime type). Whether a listener type accepts a set of runtime argument types
/// is worked out once with reflection and cached; later emits only look the answer up.
/// </summary>
internal static class ListenerSignatures
{
    /// <summary>Stands for a <see langword="null"/> argument in the cache key.</summary>
    private sealed class NullArgument
    {
    }

    private static readonly ConcurrentDictionary<(Type Listener, Type? A1, Type? A2, Type? A3), bool> Accepted = new();

    /// <summary>Calls the entry's listener with boxed arguments, or throws <c>ERR_LISTENER_SIGNATURE</c>.</summary>
    public static void InvokeBoxed(string eventName, ListenerEntry entry, object?[] args)
    {
        ListenerShape shape = entry.Shape;
        Type[] parameters = shape.ParameterTypes;
        if (parameters.Length > args.Length || !Accepts(shape, args))
        {
            throw Mismatch(eventName, parameters, args);
        }
        shape.Invoke(entry.Listener, args);
    }

    private static bool Accepts(ListenerShape shape, object?[] args)
    {
        Type[] parameters = shape.ParameterTypes;
        if (parameters.Length == 0)
        {
            return true;
        }
        var key = (shape.DelegateType, KeyType(args, 0, parameters.Length), KeyType(args, 1, parameters.Length), KeyType(args, 2, parameters.Length));
        if (Accepted.TryGetValue(key, out bool accepted))
        {
            return accepted;
        }
        accepted = true;
        for (int i = 0; i < parameters.Length; i++)
        {
            accepted &= CanAccept(parameters[i], args[i]);
        }
        Accepted.TryAdd(key, accepted);
        return accepted;
    }

    private static Type? KeyType(object?[] args, int index, int parameterCount)
        => index >= parameterCount ? null : args[index]?.GetType() ?? typeof(NullArgument);

    /// <summary>Whether an argument can be cast to the parameter type (boxing and <see cref="Nullable{T}"/> included).</summary>
    private static bool CanAccept(Type parameter, object? arg)
    {
        if (arg is null)
        {
            // JavaScript passes null anywhere; .NET can only where a null is representable.
            return !parameter.IsValueType || Nullable.GetUnderlyingType(parameter) is not null;
        }
        Type actual = arg.GetType();
        Type target = Nullable.GetUnderlyingType(parameter) ?? parameter;
        return target.IsAssignableFrom(actual);
    }

    private static NodeHttpException Mismatch(string eventName, Type[] parameters, object?[] args)
    {
        string expected = string.Join(", ", parameters.Select(FormatType));
        string passed = string.Join(", ", args.Select(a => a is null ? "null" : FormatType(a.GetType())));
        return ErrorCodes.Create("ERR_LISTENER_SIGNATURE", eventName, expected, passed);
    }

    /// <summary>A type as C# source spells it (<c>int</c>, <c>List&lt;string&gt;</c>), for error messages.</summary>
    internal static string FormatType(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return FormatType(underlying) + "?";
        }
        string? keyword = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Byte => "byte",
            TypeCode.SByte => "sbyte",
            TypeCode.Char => "char",
            TypeCode.Int16 => "short",
            TypeCode.UInt16 => "ushort",
            TypeCode.Int32 => "int",
            TypeCode.UInt32 => "uint",
            TypeCode.Int64 => "long",
            TypeCode.UInt64 => "ulong",
            TypeCode.Single => "float",
            TypeCode.Double => "double",
            TypeCode.Decimal => "decimal",
            TypeCode.String => "string",
            _ => null,
        };
        if (type.IsEnum)
        {
            keyword = null;
        }
        if (keyword is not null)
        {
            return keyword;
        }
        if (type == typeof(object))
        {
            return "object";
        }
        if (!type.IsGenericType)
        {
            return type.Name;
        }
        var sb = new StringBuilder();
        string name = type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        sb.Append(tick < 0 ? name : name[..tick]).Append('<');
        sb.AppendJoin(", ", type.GetGenericArguments().Select(FormatType));
        return sb.Append('>').ToString();
    }

    /// <summary>Node throws an <c>'error'</c> event's argument when nobody listens.</summary>
    public static Exception UnhandledError(object?[] args)
    {
        object? error = args.Length > 0 ? args[0] : null;
        if (error is Exception exception)
        {
            ExceptionDispatchInfo.Throw(exception);
        }
        var wrapped = ErrorCodes.Create("ERR_UNHANDLED_ERROR", Inspect(error, args.Length > 0));
        // Node keeps the original value on err.context.
        wrapped.Data["context"] = error;
        return wrapped;
    }

    /// <summary>A short rendering like Node's <c>util.inspect</c> for the values an error event might carry.</summary>
    private static string Inspect(object? value, bool present) => value switch
    {
        null => present ? "null" : "undefined",
        string s => "'" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };
}
