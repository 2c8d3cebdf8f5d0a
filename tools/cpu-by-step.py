#!/usr/bin/env python3
"""CPU samples (perf record -g, DOTNET_PerfMapEnabled=1) of a Notify silo, by step of the publish path.
Each sample goes to the first step (in STEPS' order) that a frame of its stack names, so work a step causes in the
runtime, the kernel or a library counts for that step."""
import sys, collections
STEPS = [  # in this order: application steps before the runtime's
    ('publish request: HTTP, middleware, endpoint', ('Notify.Api.Topics.TopicsApi', 'Microsoft.AspNetCore.RateLimiting', 'Microsoft.AspNetCore.Authentication', 'Microsoft.AspNetCore.Cors', 'CrossOriginExtensions', 'StatusCodePagesMiddleware', 'ExceptionHandlerMiddleware', 'StaticFiles')),
    ('connection writer: queue to response, flush', ('Notify.Api.Subscriptions.TopicSubscription', 'Notify.Api.Sse.BoundedFlush', 'ConnectionStreamWriter', 'MultiTopicStream')),
    ('fan-out: frame per event, into each queue', ('Notify.Api.Subscriptions.TopicFanout',)),
    ('stream delivery: pulling agent to the silo', ('PersistentStreamPullingAgent', 'StreamConsumerExtension', 'PooledQueueCache', 'MemoryPooledCache')),
    ('stream queue read: receiver, doorbell', ('DoorbellQueueReceiver', 'MemoryAdapterReceiver', 'QueueDoorbellGrain', 'MemoryStreamQueueGrain::Dequeue')),
    ('topic grain and stream send', ('Notify.Grains.Topics', 'Notify.Grains.Storage', 'DoorbellQueueAdapterFactory', 'MemoryAdapterFactory', 'MemoryStreamQueueGrain::Enqueue')),
    ('socket writes: Kestrel transport, kernel send', ('SocketConnection', 'Sockets.Internal.IOQueue', 'SocketSender', '__send', 'sendmsg', 'sendto')),
    ('socket reads: epoll, kernel receive', ('SocketAsyncEngine', 'SocketReceiver', 'epoll', 'recvmsg', 'recvfrom')),
    ('Kestrel request parsing and connection loop', ('Microsoft.AspNetCore.Server.Kestrel',)),
    ('Orleans messaging and scheduling', ('[Orleans.',)),
    ('GC', ('gc_heap', 'GCHeap', 'WKS::', 'SVR::', 'GarbageCollect', 'gc_thread')),
    ('thread pool and timers', ('PortableThreadPool', 'ThreadPoolWorkQueue', 'TimerQueue', 'LowLevelLifoSemaphore')),
]
samples = collections.Counter(); total = 0
detail = collections.defaultdict(collections.Counter)
block = []
def flush(block):
    global total
    if not block: return
    header, frames = block[0], block[1:]
    period = int(header.split()[-1]) if header.split()[-1].isdigit() else 1
    total += period
    chain = [f.split(' ', 1)[1] if ' ' in f.strip() else f for f in (x.strip() for x in frames)]
    for step, markers in STEPS:  # the first step, in the list's order, that any frame names
        if any(m in name for name in chain for m in markers):
            samples[step] += period
            detail[step][chain[0][:110]] += period
            return
    samples['other'] += period
    detail['other'][chain[0][:110]] += period
for line in open(sys.argv[1]):
    if not line.strip():
        flush(block); block = []
    else:
        block.append(line.rstrip('\n'))
flush(block)
for step, v in samples.most_common():
    print(f'{100 * v / total:5.1f} %  {step}')
if len(sys.argv) > 2:
    for step, v in samples.most_common():
        print(f'\n== {step}')
        for leaf, n in detail[step].most_common(int(sys.argv[2])):
            print(f'   {100 * n / total:5.1f} %  {leaf}')
