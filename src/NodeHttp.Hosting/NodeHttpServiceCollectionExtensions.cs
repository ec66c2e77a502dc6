using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace NodeHttp.Hosting;

/// <summary>Registers a NodeHttp server with the Generic Host.</summary>
public static class NodeHttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers a NodeHttp server that listens when the host starts and drains when it stops
    /// (<see cref="NodeHttpHostedService"/>), with <typeparamref name="THandler"/> (scoped: one per request) answering
    /// its requests. Options come from the configuration section <c>"NodeHttp"</c>, then from <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddNodeHttpServer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IServiceCollection services, Action<NodeHttpServerOptions>? configure = null)
        where THandler : class, INodeHttpRequestHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<INodeHttpRequestHandler, THandler>();
        return AddCore(services, configure);
    }

    /// <summary>
    /// Registers a NodeHttp server (see <see cref="AddNodeHttpServer{THandler}"/>) answering with <paramref name="handler"/>,
    /// which gets the request's scoped <see cref="IServiceProvider"/> to resolve what it needs.
    /// </summary>
    public static IServiceCollection AddNodeHttpServer(
        this IServiceCollection services,
        Func<IServiceProvider, IncomingMessage, ServerResponse, Task> handler,
        Action<NodeHttpServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handler);
        services.TryAddScoped<INodeHttpRequestHandler>(sp => new DelegateRequestHandler(sp, handler));
        return AddCore(services, configure);
    }

    private static IServiceCollection AddCore(IServiceCollection services, Action<NodeHttpServerOptions>? configure)
    {
        OptionsBuilder<NodeHttpServerOptions> options = services.AddOptions<NodeHttpServerOptions>().BindConfiguration(NodeHttpServerOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton<NodeHttpHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeHttpHostedService>());
        return services;
    }
}
