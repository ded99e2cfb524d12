/* engine.c - names of the engine stop reasons (cpu/engine.h). */
#include "engine.h"

const char *engine_stop_name(EngineStop s)
{
    switch (s) {
    case STOP_BUDGET: return "budget";
    case STOP_HALT: return "halt";
    case STOP_BREAKPOINT: return "breakpoint";
    case STOP_WATCHPOINT: return "watchpoint";
    case STOP_RESET: return "reset";
    case STOP_EXIT: return "exit";
    case STOP_TRIPLE: return "triple fault";
    case STOP_ERROR: return "error";
    }
    return "?";
}
