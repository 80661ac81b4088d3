// The console on Poco's HTTP server: a request handler that reads the request (body up to
// 4 MiB), hands it to Console::Handle, and writes the response with the console's
// security headers (Content-Security-Policy, no sniffing, no framing, no caching).
#ifndef CENTRAL_CONSOLE_CONSOLE_HTTP_H_
#define CENTRAL_CONSOLE_CONSOLE_HTTP_H_

namespace Poco::Net {
class HTTPRequestHandler;
}

namespace central::console {

class Console;

// A new handler for one request (Poco's factory takes ownership).
Poco::Net::HTTPRequestHandler* NewConsoleRequestHandler(Console& console);

}  // namespace central::console

#endif  // CENTRAL_CONSOLE_CONSOLE_HTTP_H_
