import NIOCore
import NIOHTTP1

/// Closes a connection whose request head is not complete within `timeout` (slow-loris): the clock starts
/// when the connection opens, and again with the first byte of each later request on a kept-alive
/// connection. Two handlers share this state: one first in the pipeline sees raw bytes, one after the
/// HTTP/1 decoder sees heads and response ends. Both run on the channel's event loop.
final class RequestHeadTimeout: @unchecked Sendable {
    let timeout: TimeAmount
    let registry: ConnectionRegistry
    private var timer: Scheduled<Void>?
    private var requestsOpen = 0
    private var waiting = true

    init(timeout: TimeAmount, registry: ConnectionRegistry) {
        self.timeout = timeout
        self.registry = registry
    }

    /// A connection opened, or bytes arrived while no request was open.
    func startWaiting(_ channel: any Channel) {
        guard requestsOpen == 0, timer == nil else { return }
        waiting = true
        registry.waitingForHead(channel)
        timer = channel.eventLoop.scheduleTask(in: timeout) { [weak self, weak channel] in
            guard let self, let channel, self.waiting else { return }
            channel.close(promise: nil)
        }
    }

    func headReceived(_ channel: any Channel) {
        requestsOpen += 1
        waiting = false
        timer?.cancel()
        timer = nil
        registry.notWaiting(channel)
    }

    func responseEnded() {
        requestsOpen = max(0, requestsOpen - 1)
    }

    func stop(_ channel: any Channel) {
        timer?.cancel()
        timer = nil
        waiting = false
        registry.notWaiting(channel)
    }

    /// First in the pipeline: raw bytes.
    final class BytesHandler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        let state: RequestHeadTimeout

        init(_ state: RequestHeadTimeout) { self.state = state }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { state.startWaiting(context.channel) }
        }

        func channelActive(context: ChannelHandlerContext) {
            state.startWaiting(context.channel)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            state.startWaiting(context.channel)
            context.fireChannelRead(data)
        }

        func channelInactive(context: ChannelHandlerContext) {
            state.stop(context.channel)
            context.fireChannelInactive()
        }
    }

    /// After the HTTP/1 decoder: request heads and response ends.
    final class PartsHandler: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias InboundOut = HTTPServerRequestPart
        typealias OutboundIn = HTTPServerResponsePart
        typealias OutboundOut = HTTPServerResponsePart
        let state: RequestHeadTimeout

        init(_ state: RequestHeadTimeout) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head = unwrapInboundIn(data) { state.headReceived(context.channel) }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { state.responseEnded() }
            context.write(data, promise: promise)
        }
    }
}
