namespace NodeHttp.Hosting;

/// <summary>A handler given as a delegate to <see cref="NodeHttpServiceCollectionExtensions.AddNodeHttpServer(Microsoft.Extensions.DependencyInjection.IServiceCollection, Func{IServiceProvider, IncomingMessage, ServerResponse, Task}, Action{NodeHttpServerOptions}?)"/>.</summary>
internal sealed class DelegateRequestHandler(IServiceProvider services, Func<IServiceProvider, IncomingMessage, ServerResponse, Task> handler) : INodeHttpRequestHandler
{
    public Task HandleAsync(IncomingMessage request, ServerResponse response) => handler(services, request, response);
}
