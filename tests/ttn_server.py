"""A real SOAP 1.1 server on 127.0.0.1 standing in for TTN's EfactService: it serves a WSDL (its types written
here from the names public clients use: TTN's own XSD is not public), answers scripted replies, records calls."""

import base64
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from lxml import etree

NS = "http://services.elfatoura.tradenet.com.tn/"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
STRING = 'type="xsd:string" minOccurs="0"'
CREDENTIALS = "".join(f'<xsd:element name="{n}" {STRING}/>' for n in ("login", "password", "matricule"))
WSDL = f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
  xmlns:tns="{NS}" xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="{NS}" name="EfactServiceService">
 <types><xsd:schema targetNamespace="{NS}">
  <xsd:element name="saveEfact" type="tns:saveEfact"/>
  <xsd:element name="saveEfactResponse" type="tns:saveEfactResponse"/>
  <xsd:element name="consultEfact" type="tns:consultEfact"/>
  <xsd:element name="consultEfactResponse" type="tns:consultEfactResponse"/>
  <xsd:complexType name="saveEfact"><xsd:sequence>{CREDENTIALS}
   <xsd:element name="documentEfact" type="xsd:base64Binary" minOccurs="0"/></xsd:sequence></xsd:complexType>
  <xsd:complexType name="saveEfactResponse"><xsd:sequence><xsd:element name="return" {STRING}/></xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="efactCriteria"><xsd:sequence><xsd:element name="documentNumber" {STRING}/>
   <xsd:element name="generatedRef" {STRING}/><xsd:element name="idSaveEfact" {STRING}/></xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="consultEfact"><xsd:sequence>{CREDENTIALS}
   <xsd:element name="efactCriteria" type="tns:efactCriteria" minOccurs="0"/></xsd:sequence></xsd:complexType>
  <xsd:complexType name="acknowledgment"><xsd:sequence><xsd:element name="code" {STRING}/>
   <xsd:element name="message" {STRING}/></xsd:sequence></xsd:complexType>
  <xsd:complexType name="efact"><xsd:sequence><xsd:element name="documentNumber" {STRING}/>
   <xsd:element name="idSaveEfact" {STRING}/><xsd:element name="generatedRef" {STRING}/>
   <xsd:element name="xmlContent" type="xsd:base64Binary" minOccurs="0"/>
   <xsd:element name="listAcknowlegments" type="tns:acknowledgment" minOccurs="0" maxOccurs="unbounded"/>
  </xsd:sequence></xsd:complexType>
  <xsd:complexType name="consultEfactResponse"><xsd:sequence>
   <xsd:element name="return" type="tns:efact" minOccurs="0" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>
 </xsd:schema></types>
 <message name="saveEfact"><part name="parameters" element="tns:saveEfact"/></message>
 <message name="saveEfactResponse"><part name="parameters" element="tns:saveEfactResponse"/></message>
 <message name="consultEfact"><part name="parameters" element="tns:consultEfact"/></message>
 <message name="consultEfactResponse"><part name="parameters" element="tns:consultEfactResponse"/></message>
 <portType name="EfactService">
  <operation name="saveEfact"><input message="tns:saveEfact"/><output message="tns:saveEfactResponse"/></operation>
  <operation name="consultEfact"><input message="tns:consultEfact"/><output message="tns:consultEfactResponse"/>
  </operation>
 </portType>
 <binding name="EfactServicePortBinding" type="tns:EfactService">
  <soap:binding transport="http://schemas.xmlsoap.org/soap/http" style="document"/>
  <operation name="saveEfact"><soap:operation soapAction=""/><input><soap:body use="literal"/></input>
   <output><soap:body use="literal"/></output></operation>
  <operation name="consultEfact"><soap:operation soapAction=""/><input><soap:body use="literal"/></input>
   <output><soap:body use="literal"/></output></operation>
 </binding>
 <service name="EfactServiceService"><port name="EfactServicePort" binding="tns:EfactServicePortBinding">
  <soap:address location="ADDRESS"/></port></service>
</definitions>"""


def envelope(body: str) -> str:
    return f'<S:Envelope xmlns:S="{SOAP}"><S:Body>{body}</S:Body></S:Envelope>'


def save_answer(save_id: str) -> tuple[int, str]:
    return 200, envelope(f'<ns2:saveEfactResponse xmlns:ns2="{NS}"><return>{save_id}</return></ns2:saveEfactResponse>')


def consult_answer(*items: dict) -> tuple[int, str]:
    def item(fields: dict) -> str:
        parts = []
        for name, value in fields.items():
            if name == "listAcknowlegments":
                for ack in value:
                    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in ack.items())
                    parts.append(f"<listAcknowlegments>{inner}</listAcknowlegments>")
            elif name == "xmlContent":
                parts.append(f"<xmlContent>{base64.b64encode(value).decode()}</xmlContent>")
            else:
                parts.append(f"<{name}>{escape(value)}</{name}>")
        return f"<return>{''.join(parts)}</return>"

    body = "".join(item(fields) for fields in items)
    return 200, envelope(f'<ns2:consultEfactResponse xmlns:ns2="{NS}">{body}</ns2:consultEfactResponse>')


def fault_answer(message: str) -> tuple[int, str]:
    fault = f"<S:Fault><faultcode>S:Server</faultcode><faultstring>{escape(message)}</faultstring></S:Fault>"
    return 500, envelope(fault)


class FakeTtn:
    def __init__(self):
        self.calls: list[dict] = []
        self.answers: deque = deque()
        self.lock = threading.Lock()
        ttn = self

        class Handler(BaseHTTPRequestHandler):
            def _send(self, status: int, text: str, content_type: str = "text/xml; charset=utf-8"):
                raw = text.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            def do_GET(self):
                self._send(200, WSDL.replace("ADDRESS", ttn.url))

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                operation = etree.fromstring(body).find(f"{{{SOAP}}}Body")[0]
                params = {etree.QName(el).localname: el.text for el in operation.iter() if len(el) == 0}
                with ttn.lock:
                    ttn.calls.append(
                        {
                            "operation": etree.QName(operation).localname,
                            "params": params,
                            "soap": self.headers["SOAPAction"],
                        }
                    )
                    status, text, delay = ttn.answers.popleft()
                if delay:
                    time.sleep(delay)
                self._send(status, text)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ElfatouraServices/EfactService"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def then(self, answer: tuple[int, str], delay: float = 0) -> "FakeTtn":
        self.answers.append((*answer, delay))
        return self

    def start(self) -> "FakeTtn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
