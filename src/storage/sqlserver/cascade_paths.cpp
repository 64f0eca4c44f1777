#include "storage/sqlserver/cascade_paths.h"

#include <map>
#include <vector>

namespace events {

namespace {

// Directed multigraph parent -> child of the relationships declared with an action.
class CascadeGraph {
public:
    void add(const Entity* parent, const Entity* child) { edges_[parent].push_back(child); }

    // Every table reachable from `from` by one or more edges.
    std::set<const Entity*> reachable(const Entity* from) const {
        std::set<const Entity*> seen;
        std::vector<const Entity*> todo{from};
        while (!todo.empty()) {
            const Entity* e = todo.back();
            todo.pop_back();
            auto it = edges_.find(e);
            if (it == edges_.end()) continue;
            for (const Entity* c : it->second)
                if (seen.insert(c).second) todo.push_back(c);
        }
        return seen;
    }

private:
    std::map<const Entity*, std::vector<const Entity*>> edges_;
};

}  // namespace

std::set<const Field*> foreign_keys_cascaded_by_service(const Schema& schema) {
    std::set<const Field*> out;
    CascadeGraph kept;
    const std::vector<const Entity*> order = schema.parents_first();
    for (const Entity* child : order) {
        for (const Field* fk : child->foreign_keys) {
            const Entity* parent = fk->fk_target;
            // A cycle: the child already reaches the parent (or is the parent).
            const std::set<const Entity*> below_child = kept.reachable(child);
            if (parent == child || below_child.count(parent)) {
                out.insert(fk);
                continue;
            }
            // A second path: some table at or above the parent already reaches a table
            // at or below the child.
            std::set<const Entity*> lower = below_child;
            lower.insert(child);
            bool second_path = false;
            for (const Entity* top : order) {
                if (top != parent && !kept.reachable(top).count(parent)) continue;
                const std::set<const Entity*> reach = kept.reachable(top);
                for (const Entity* x : lower)
                    if (reach.count(x)) second_path = true;
                if (second_path) break;
            }
            if (second_path) {
                out.insert(fk);
                continue;
            }
            kept.add(parent, child);
        }
    }
    return out;
}

}  // namespace events
