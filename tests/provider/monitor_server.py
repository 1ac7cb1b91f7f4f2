"""A resource monitor and engine served over real gRPC, so a provider process can construct components into it.

The monitor is the Pulumi SDK's MockMonitor (what the offline engine uses); this wrapper records each
RegisterResource request as the engine would receive it (type, name, parent, protect, inputs).
"""

from concurrent import futures
from dataclasses import dataclass
from typing import Any

import grpc
import pulumi
from google.protobuf import empty_pb2, json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, resource_pb2, resource_pb2_grpc


@dataclass
class Registered:
    type: str
    name: str
    parent: str
    protect: bool
    inputs: dict[str, Any]
    dependencies: list[str]


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs):
        raise AssertionError(f"unexpected invoke {args.token}")


class _Monitor:
    """Every ResourceMonitor method the SDK calls, answered by MockMonitor; RegisterResource also recorded."""

    def __init__(self) -> None:
        self.mock = pulumi_mocks.MockMonitor(_Mocks())
        self.registered: list[Registered] = []

    def RegisterResource(self, request, context):
        inputs = json_format.MessageToDict(request.object)
        self.registered.append(
            Registered(request.type, request.name, request.parent, bool(request.protect), inputs, list(request.dependencies)))
        return self.mock.RegisterResource(request)

    def SupportsFeature(self, request, context):
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id != "outputValues")

    def __getattr__(self, method: str):
        return lambda request, context: getattr(self.mock, method)(request)


class _Engine(engine_pb2_grpc.EngineServicer):
    def __init__(self) -> None:
        self.logs: list[str] = []

    def Log(self, request, context):
        self.logs.append(request.message)
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):
        return engine_pb2.GetRootResourceResponse(urn="")

    def SetRootResource(self, request, context):
        return engine_pb2.SetRootResourceResponse()


class MonitorServer:
    """`address` serves both the monitor and the engine; `registered` lists what the provider registered."""

    def __init__(self) -> None:
        self.monitor, self.engine = _Monitor(), _Engine()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(self.monitor, self._server)
        engine_pb2_grpc.add_EngineServicer_to_server(self.engine, self._server)
        self.address = f"127.0.0.1:{self._server.add_insecure_port('127.0.0.1:0')}"
        self._server.start()

    @property
    def registered(self) -> list[Registered]:
        return self.monitor.registered

    def stop(self) -> None:
        self._server.stop(grace=None)
